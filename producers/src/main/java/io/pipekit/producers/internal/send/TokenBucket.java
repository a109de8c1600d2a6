package io.pipekit.producers.internal.send;

import java.util.function.LongSupplier;

/**
 * A token bucket: tokens accrue at {@code ratePerSec} up to {@code capacity}. A small capacity
 * keeps the output steady: after a stall (slow calls, all batch slots busy) the producer may catch
 * up by at most {@code capacity} events, instead of bursting everything it missed. Single-threaded
 * (the producer loop); the clock is injectable so its arithmetic is tested without sleeping.
 */
public final class TokenBucket {

    private final double tokensPerNano;
    private final double capacity;
    private final LongSupplier nanoClock;
    private double tokens;
    private long last;

    public TokenBucket(double ratePerSec, double capacity, LongSupplier nanoClock) {
        if (ratePerSec <= 0) throw new IllegalArgumentException("rate must be > 0");
        if (capacity < 1) throw new IllegalArgumentException("capacity must be >= 1");
        this.tokensPerNano = ratePerSec / 1e9;
        this.capacity = capacity;
        this.nanoClock = nanoClock;
        this.last = nanoClock.getAsLong();
        this.tokens = 1; // the first event goes out at once
    }

    /** Capacity of 100 ms worth of tokens (at least one): smooth, yet able to absorb scheduler jitter. */
    public static TokenBucket steady(double ratePerSec) {
        return new TokenBucket(ratePerSec, Math.max(1, ratePerSec / 10), System::nanoTime);
    }

    public boolean tryAcquire() {
        refill();
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }

    /** Nanoseconds until {@link #tryAcquire()} can succeed; 0 if it can now. */
    public long nanosToNextToken() {
        refill();
        if (tokens >= 1) return 0;
        return (long) Math.ceil((1 - tokens) / tokensPerNano);
    }

    private void refill() {
        long now = nanoClock.getAsLong();
        long elapsed = now - last;
        if (elapsed > 0) {
            tokens = Math.min(capacity, tokens + elapsed * tokensPerNano);
            last = now;
        }
    }
}
