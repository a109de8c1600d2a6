package io.pipekit.ops.dlq;

import java.util.concurrent.locks.LockSupport;

/** At most {@code perSecond} permits per second, evenly spaced (replays must not flood the target). */
final class RateLimiter {

    private final long intervalNanos;
    private long next = System.nanoTime();

    RateLimiter(double perSecond) {
        if (!(perSecond > 0)) {
            throw new IllegalArgumentException("rate must be positive, was " + perSecond);
        }
        this.intervalNanos = (long) (1_000_000_000L / perSecond);
    }

    /** Blocks until {@code permits} more may go. */
    void acquire(int permits) {
        long now = System.nanoTime();
        if (next < now) {
            next = now;
        }
        long wait = next - now;
        next += intervalNanos * permits;
        while (wait > 0) {
            LockSupport.parkNanos(wait);
            wait = next - intervalNanos * permits - System.nanoTime();
        }
    }
}
