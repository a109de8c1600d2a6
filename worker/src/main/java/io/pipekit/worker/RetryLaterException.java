package io.pipekit.worker;

import java.time.Duration;
import java.util.Objects;

/**
 * Thrown by a handler that wants its message retried after an exact delay instead of the
 * configured backoff (e.g. a downstream said "retry in 30 s"). The delay becomes the message's
 * visibility timeout, capped at what SQS allows (12 h from the receive).
 */
public class RetryLaterException extends RuntimeException {

    private final Duration delay;

    public RetryLaterException(Duration delay, String reason) {
        this(delay, reason, null);
    }

    public RetryLaterException(Duration delay, String reason, Throwable cause) {
        super(reason, cause);
        this.delay = Objects.requireNonNull(delay, "delay");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative: " + delay);
        }
    }

    public Duration delay() {
        return delay;
    }
}
