package io.pipekit.pipes.model;

import java.time.Duration;

/** Limits AWS enforces on what pipekit creates and checks (name lengths, SQS visibility and batches), each written once. */
public final class AwsLimits {

    /** docs/aws-behaviour.md §1.10: a pipe name is 1–64 characters. */
    public static final int PIPE_NAME = 64;
    /** docs/aws-behaviour.md §2.4: a rule name is 1–64 characters. */
    public static final int RULE_NAME = 64;
    /** docs/aws-behaviour.md §1.11: an IAM role name is 1–64 characters. */
    public static final int ROLE_NAME = 64;
    /** docs/aws-behaviour.md §9: a queue name is 1–80 characters, {@code .fifo} included. */
    public static final int QUEUE_NAME = 80;
    /** docs/aws-behaviour.md §5.3: an ECS cluster, service or task-definition family name is 1–255 characters. */
    public static final int ECS_NAME = 255;

    /** docs/aws-behaviour.md §9: a queue's VisibilityTimeout, and a message's visibility counted from its receive, are at most 12 h. */
    public static final Duration MAX_VISIBILITY = Duration.ofHours(12);

    /** docs/aws-behaviour.md §1.8, §9: entries per {@code SendMessageBatch} (and every other SQS batch call). */
    public static final int SQS_BATCH_ENTRIES = 10;
    /** docs/aws-behaviour.md §9: bytes of all bodies of one {@code SendMessageBatch} (1 MiB since SQS raised its message size). */
    public static final int SQS_BATCH_BYTES = 1024 * 1024;

    private AwsLimits() {}
}
