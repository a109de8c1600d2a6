package io.pipekit.pipes.model;

import io.pipekit.pipes.spec.SourceType;
import java.util.List;

/** Every IAM action list pipekit grants, each written once. */
public final class Actions {

    public static final String POLICY_VERSION = "2012-10-17";

    /** docs/aws-behaviour.md §1.11: what a pipe needs to read each kind of source (no SubscribeToShard: no enhanced fan-out). */
    public static List<String> pipeSource(SourceType type) {
        return switch (type) {
            case KINESIS -> List.of("kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:GetRecords",
                    "kinesis:GetShardIterator", "kinesis:ListShards", "kinesis:ListStreams");
            case DYNAMODB -> List.of("dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams");
            case SQS -> List.of("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes");
        };
    }

    /** A pipe, rule or topic delivering to a queue. */
    public static final List<String> SEND = List.of("sqs:SendMessage");

    /** docs/aws-behaviour.md §6.3: a sender into a CMK-encrypted queue. */
    public static final List<String> KEY_FOR_SENDER = List.of("kms:GenerateDataKey", "kms:Decrypt");

    /**
     * Exactly what the worker calls on its queue: ReceiveMessage, DeleteMessageBatch and
     * ChangeMessageVisibilityBatch (batch calls are authorised by the single-message actions). It never
     * calls GetQueueAttributes and never sends (docs/aws-behaviour.md §9).
     */
    public static final List<String> WORKER_QUEUE = List.of("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility");

    /** Receiving from a CMK-encrypted queue needs only Decrypt (docs/aws-behaviour.md §6.3). */
    public static final List<String> WORKER_KEY = List.of("kms:Decrypt");

    /** docs/aws-behaviour.md §5.2: the ECS agent calls these with the task role. */
    public static final List<String> TASK_PROTECTION = List.of("ecs:GetTaskProtection", "ecs:UpdateTaskProtection");

    /** AWS's default key policy: the account may do everything with its key, IAM policies decide who. */
    public static final List<String> KEY_ADMIN = List.of("kms:*");

    /** Only pipes of this account may assume a pipe role (docs/aws-behaviour.md §1.11). */
    public static final List<String> ASSUME_ROLE = List.of("sts:AssumeRole");

    private Actions() {}
}
