package io.pipekit.worker;

import io.pipekit.worker.WorkerListener;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Every message this worker currently holds. The heartbeat walks it to extend leases; shutdown
 * walks it to release what cannot finish; its size drives the busy/idle signal that ECS task
 * protection follows.
 */
final class InFlightRegistry {

    private final Set<InFlight> messages = ConcurrentHashMap.newKeySet();
    private final AtomicInteger count = new AtomicInteger();
    private final WorkerListener listener;

    public InFlightRegistry(WorkerListener listener) {
        this.listener = listener;
    }

    public void add(InFlight message) {
        if (messages.add(message) && count.incrementAndGet() == 1) {
            listener.onBusy();
        }
    }

    public void remove(InFlight message) {
        if (messages.remove(message) && count.decrementAndGet() == 0) {
            listener.onIdle();
        }
    }

    public int size() {
        return count.get();
    }

    public Collection<InFlight> snapshot() {
        return List.copyOf(messages);
    }
}
