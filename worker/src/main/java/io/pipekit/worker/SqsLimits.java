package io.pipekit.worker;

import java.time.Duration;

/** The SQS limits the worker obeys, each written once (docs/aws-behaviour.md §9). */
final class SqsLimits {

    /** A message stays invisible for at most 12 h counted from its receive; a change past that is rejected. */
    static final Duration MAX_VISIBILITY = Duration.ofHours(12);
    /** Entries in one DeleteMessageBatch or ChangeMessageVisibilityBatch call. */
    static final int MAX_BATCH_ENTRIES = 10;
    /** {@code MaxNumberOfMessages} of one ReceiveMessage call. */
    static final int MAX_RECEIVE_MESSAGES = 10;
    /** {@code WaitTimeSeconds} of one long poll. */
    static final Duration MAX_WAIT = Duration.ofSeconds(20);

    private SqsLimits() {}

    /**
     * How much longer a message received {@code sinceReceive} ago may stay invisible under the 12 h
     * ceiling; 10 s are kept free for clock skew and call latency. Negative once the ceiling is reached.
     */
    static Duration roomBeforeCeiling(Duration sinceReceive) {
        return MAX_VISIBILITY.minus(sinceReceive).minusSeconds(10);
    }

    /** Whole seconds for a visibility timeout, rounded up and capped at the ceiling. */
    static int visibilitySeconds(Duration timeout) {
        long millis = timeout.toMillis();
        return (int) Math.min(MAX_VISIBILITY.toSeconds(), (millis + 999) / 1000);
    }
}
