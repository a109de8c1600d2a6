package io.pipekit.worker;

import java.time.Duration;

/**
 * One requested visibility change and, once sent, its result.
 *
 * @param message the message whose receipt to change
 * @param timeout new visibility, counted from the call (0 = visible now)
 */
record VisibilityChange(InFlight message, Duration timeout) {

    /** Outcome of one entry of a {@code ChangeMessageVisibilityBatch}. */
    public sealed interface Result permits Changed, Rejected, NotSent {}

    /** SQS accepted the change. */
    public record Changed(VisibilityChange change) implements Result {}

    /**
     * SQS refused the entry. {@code receiptGone} is true when the receipt is no longer valid
     * (expired, already deleted, message not in flight) — retrying cannot help.
     */
    public record Rejected(VisibilityChange change, String code, String reason, boolean receiptGone) implements Result {}

    /** The call itself failed (network, throttling); the change may be retried. */
    public record NotSent(VisibilityChange change, Throwable error) implements Result {}
}
