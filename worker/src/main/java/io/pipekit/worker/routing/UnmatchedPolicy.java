package io.pipekit.worker.routing;

/** What the {@link Router} does with a decoded message that no route (and no fallback) takes. */
public enum UnmatchedPolicy {
    /**
     * Throw {@link UnroutableMessageException}: the message is retried and ends in the DLQ, where it
     * can be inspected and redriven once a handler exists. The default — nothing is dropped silently.
     */
    FAIL,
    /** Log a warning naming the message id and origin (never the body) and acknowledge (delete) it. */
    ACK_AND_LOG
}
