package io.pipekit.worker;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Every message this worker currently holds — handlers running and deletes not yet acknowledged.
 * The heartbeat walks it to extend leases; shutdown walks it to release what cannot finish; its
 * size drives the busy/idle signal that ECS task protection follows.
 *
 * <p>The busy/idle signal is derived from the live count under one lock: the count change and its
 * callback are one step, so a 1→0 racing a 0→1 can never deliver "busy" then "idle" while a
 * message is held (the listener sees transitions in the order the count made them).
 */
final class InFlightRegistry {

    private final Set<InFlight> messages = ConcurrentHashMap.newKeySet();
    private final ReentrantLock transitions = new ReentrantLock();
    private final WorkerListener listener;
    private volatile int count;

    InFlightRegistry(WorkerListener listener) {
        this.listener = listener;
    }

    void add(InFlight message) {
        if (!messages.add(message)) {
            return;
        }
        transitions.lock();
        try {
            if (count++ == 0) {
                listener.onBusy();
            }
        } finally {
            transitions.unlock();
        }
    }

    void remove(InFlight message) {
        if (!messages.remove(message)) {
            return;
        }
        transitions.lock();
        try {
            if (--count == 0) {
                listener.onIdle();
            }
        } finally {
            transitions.unlock();
        }
    }

    int size() {
        return count;
    }

    Collection<InFlight> snapshot() {
        return List.copyOf(messages);
    }
}
