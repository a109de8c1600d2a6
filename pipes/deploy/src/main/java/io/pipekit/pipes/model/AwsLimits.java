package io.pipekit.pipes.model;

/** Name lengths AWS enforces on what pipekit creates, each written once. */
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

    private AwsLimits() {}
}
