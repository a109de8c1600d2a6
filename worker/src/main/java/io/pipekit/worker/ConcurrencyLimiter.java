package io.pipekit.worker;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Capacity for in-flight messages, shared by every poller of a worker.
 *
 * <p>A poller asks for up to a receive batch of permits <em>before</em> it receives, and gives back
 * what the receive did not fill. So the worker never takes a message off the queue that it has no
 * room to process — it stays visible to other tasks and to autoscaling on queue depth
 * (docs/comparable-tools.md §2 item 1). While handlers are quick, a second limiter of this kind
 * is the receive-ahead budget, and a batch takes its handler capacity when it arrives
 * (docs/worker-engine.md, "Receiving ahead while handlers are quick").
 */
final class ConcurrencyLimiter {

    private final int capacity;
    private final ReentrantLock lock = new ReentrantLock();
    /**
     * Threads waiting for permits, in arrival order, each with the condition only it waits on. A
     * release wakes just the waiters it can satisfy: with one condition for all, every single
     * permit a finished message gives back woke every receive loop waiting for a whole batch, only
     * for all but one to go back to sleep (docs/worker-engine.md, "Waking only who can proceed").
     */
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    private final Condition drained = lock.newCondition();
    private int drainWaiters;
    private int available;
    private long wakeups;

    /** One waiting acquire: it can proceed once {@code need} permits are free and takes up to {@code claim}. */
    private static final class Waiter {
        final int need;
        final int claim;
        final Condition ready;
        boolean woken;

        Waiter(int need, int claim, Condition ready) {
            this.need = need;
            this.claim = claim;
            this.ready = ready;
        }
    }

    public ConcurrencyLimiter(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.capacity = capacity;
        this.available = capacity;
    }

    /** Blocks until at least one permit is free, then takes as many as are free, up to {@code max}. */
    public int acquireUpTo(int max) throws InterruptedException {
        if (max < 1) {
            throw new IllegalArgumentException("max must be positive: " + max);
        }
        lock.lockInterruptibly();
        try {
            awaitFree(1, max);
            int granted = Math.min(max, available);
            available -= granted;
            wakeSatisfiable();
            return granted;
        } finally {
            lock.unlock();
        }
    }

    /** Takes one permit if one is free now; never waits. */
    boolean tryAcquireOne() {
        lock.lock();
        try {
            if (available < 1 || !waiters.isEmpty()) { // no barging past a waiter
                return false;
            }
            available--;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Blocks until {@code count} permits are free (at most the capacity), then takes them all at once.
     * For a receive into a backlog: a receive for fewer would only leave the rest of a batch on the
     * queue for one more call.
     */
    public int acquireAll(int count) throws InterruptedException {
        int wanted = Math.min(count, capacity);
        if (wanted < 1) {
            throw new IllegalArgumentException("count must be positive: " + count);
        }
        lock.lockInterruptibly();
        try {
            awaitFree(wanted, wanted);
            available -= wanted;
            wakeSatisfiable();
            return wanted;
        } finally {
            lock.unlock();
        }
    }

    /** With the lock held: waits until {@code need} permits are free. */
    private void awaitFree(int need, int claim) throws InterruptedException {
        if (available >= need) {
            return;
        }
        Waiter waiter = new Waiter(need, claim, lock.newCondition());
        waiters.addLast(waiter);
        try {
            while (available < need) {
                if (waiter.woken) {
                    // woken, but another acquire took the permits first: what is left may suit someone else
                    waiter.woken = false;
                    wakeSatisfiable();
                }
                waiter.ready.await();
            }
        } catch (InterruptedException e) {
            waiters.remove(waiter);
            wakeSatisfiable(); // what this waiter may have been woken for goes to the next
            throw e;
        }
        waiters.remove(waiter);
    }

    /**
     * With the lock held: wakes, in arrival order, each waiter the free permits can satisfy, counting
     * what the already-woken ones will take.
     */
    private void wakeSatisfiable() {
        int free = available;
        for (Waiter waiter : waiters) {
            if (free <= 0) {
                return;
            }
            if (waiter.woken) {
                free -= waiter.claim;
            } else if (waiter.need <= free) {
                waiter.woken = true;
                waiter.ready.signal();
                wakeups++;
                free -= waiter.claim;
            }
        }
    }

    public void release(int permits) {
        if (permits == 0) {
            return;
        }
        if (permits < 0) {
            throw new IllegalArgumentException("permits must not be negative: " + permits);
        }
        lock.lock();
        try {
            if (available + permits > capacity) {
                throw new IllegalStateException("released more permits than were taken");
            }
            available += permits;
            wakeSatisfiable();
            if (drainWaiters > 0) {
                drained.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Permits currently taken: messages in flight plus receives in progress. */
    public int inUse() {
        lock.lock();
        try {
            return capacity - available;
        } finally {
            lock.unlock();
        }
    }

    /** Permits free now. */
    int available() {
        lock.lock();
        try {
            return available;
        } finally {
            lock.unlock();
        }
    }

    /** Acquires waiting now (for tests). */
    int waiting() {
        lock.lock();
        try {
            return waiters.size();
        } finally {
            lock.unlock();
        }
    }

    /** Waiters woken so far (for tests: a release wakes only those it can satisfy). */
    long wakeups() {
        lock.lock();
        try {
            return wakeups;
        } finally {
            lock.unlock();
        }
    }

    public int capacity() {
        return capacity;
    }

    /**
     * Waits until at most {@code remaining} permits are still taken, or the timeout passes.
     *
     * @return true when the condition was reached
     */
    public boolean awaitInUseAtMost(int remaining, Duration timeout) throws InterruptedException {
        long nanos = timeout.toNanos();
        lock.lock();
        try {
            drainWaiters++;
            try {
                while (capacity - available > remaining) {
                    if (nanos <= 0) {
                        return false;
                    }
                    nanos = drained.awaitNanos(nanos);
                }
                return true;
            } finally {
                drainWaiters--;
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "ConcurrencyLimiter[" + inUse() + "/" + capacity + " in use]";
    }
}
