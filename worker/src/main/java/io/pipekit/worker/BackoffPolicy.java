package io.pipekit.worker;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * How long a failed message stays invisible before its next attempt, from its
 * {@code ApproximateReceiveCount}: {@code initial × multiplier^(receiveCount − 1)}, capped at
 * {@code max} and at SQS's 12-hour visibility ceiling.
 *
 * <p>With jitter ("equal jitter") the delay is drawn uniformly from [d/2, d], so a burst of failures
 * caused by one downstream outage does not come back as one synchronized burst.
 *
 * @param initial    delay after the first failed attempt
 * @param multiplier growth per further attempt (1 = constant delay)
 * @param max        cap on the delay
 * @param jitter     spread the delay over [d/2, d]
 */
public record BackoffPolicy(Duration initial, double multiplier, Duration max, boolean jitter) {

    public BackoffPolicy {
        if (initial.isNegative() || max.isNegative()) {
            throw new IllegalArgumentException("backoff delays must not be negative");
        }
        if (max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff max (" + max + ") is below its initial delay (" + initial + ")");
        }
        if (max.compareTo(SqsLimits.MAX_VISIBILITY) > 0) {
            throw new IllegalArgumentException("backoff max must be at most 12 h (SQS visibility limit), was " + max);
        }
        if (!(multiplier >= 1.0)) {
            throw new IllegalArgumentException("backoff multiplier must be >= 1, was " + multiplier);
        }
    }

    public static BackoffPolicy exponential(Duration initial, double multiplier, Duration max) {
        return new BackoffPolicy(initial, multiplier, max, true);
    }

    public static BackoffPolicy constant(Duration delay) {
        return new BackoffPolicy(delay, 1.0, delay, false);
    }

    /** Retry at once: visibility 0. Mind that a poison message then burns its receives in seconds. */
    public static BackoffPolicy immediate() {
        return constant(Duration.ZERO);
    }

    public BackoffPolicy withJitter(boolean value) {
        return new BackoffPolicy(initial, multiplier, max, value);
    }

    /** The delay for a message that failed on its {@code receiveCount}-th delivery. */
    public Duration delayFor(int receiveCount) {
        return delayFor(receiveCount, () -> ThreadLocalRandom.current().nextDouble());
    }

    /** As {@link #delayFor(int)}, with the jitter's uniform [0,1) draw supplied (for tests). */
    public Duration delayFor(int receiveCount, DoubleSupplier random) {
        int attempt = Math.max(1, receiveCount);
        double millis = initial.toMillis() * Math.pow(multiplier, attempt - 1);
        long capped = (long) Math.min(millis, max.toMillis());
        if (jitter && capped > 0) {
            capped = capped / 2 + (long) (random.getAsDouble() * (capped - capped / 2));
        }
        return Duration.ofMillis(capped);
    }
}
