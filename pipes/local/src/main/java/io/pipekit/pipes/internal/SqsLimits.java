package io.pipekit.pipes.internal;

/** SQS {@code SendMessageBatch} limits, shared by the pipe runtime's and the bus's SQS targets (docs/aws-behaviour.md §1.8, §9). */
public final class SqsLimits {

    /** Entries per {@code SendMessageBatch}. */
    public static final int MAX_BATCH_ENTRIES = 10;
    /** Bytes of all bodies of one {@code SendMessageBatch} (1 MiB since SQS raised its message size). */
    public static final int MAX_BATCH_BYTES = 1024 * 1024;

    private SqsLimits() {}
}
