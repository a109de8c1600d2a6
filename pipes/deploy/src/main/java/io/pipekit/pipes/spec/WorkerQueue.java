package io.pipekit.pipes.spec;

import java.time.Duration;

/**
 * The SQS queue the worker consumes — the target of every subscription.
 *
 * @param name queue name (ends in {@code .fifo} iff {@code fifo})
 * @param create whether {@code apply} creates the queue (and its DLQ); {@code false} when Copilot or
 *     another stack owns it
 * @param visibilityTimeout queue default visibility timeout (only used when created)
 * @param deadLetterTries maxReceiveCount of the queue's DLQ, 0 for none (only used when created)
 * @param encryption how the queue is encrypted; {@link Encryption#KMS} means a customer-managed key
 *     (Copilot's {@code EventsKMSKey}) whose key policy must admit EventBridge (docs/aws-behaviour.md §6.3)
 */
public record WorkerQueue(
        String name,
        boolean fifo,
        boolean contentBasedDeduplication,
        boolean create,
        Duration visibilityTimeout,
        int deadLetterTries,
        Encryption encryption) {

    public enum Encryption { SSE_SQS, KMS }
}
