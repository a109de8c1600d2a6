package io.pipekit.worker;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Capacity for in-flight messages, shared by every poller of a worker.
 *
 * <p>A poller asks for up to a receive batch of permits <em>before</em> it receives, and gives back
 * what the receive did not fill. So the worker never takes a message off the queue that it has no
 * room to process — it stays visible to other tasks and to autoscaling on queue depth
 * (docs/comparable-tools.md §2 item 1).
 */
final class ConcurrencyLimiter {

    private final int capacity;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private int available;

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
            while (available == 0) {
                changed.await();
            }
            int granted = Math.min(max, available);
            available -= granted;
            return granted;
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
            while (available < wanted) {
                changed.await();
            }
            available -= wanted;
            return wanted;
        } finally {
            lock.unlock();
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
            changed.signalAll();
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
            while (capacity - available > remaining) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = changed.awaitNanos(nanos);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "ConcurrencyLimiter[" + inUse() + "/" + capacity + " in use]";
    }
}
