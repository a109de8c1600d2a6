package io.pipekit.pipes.spec;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A stream or queue that becomes one EventBridge Pipe into the worker queue.
 *
 * @param source the source stream, table or queue
 * @param filters event patterns (compact JSON), OR-ed; at most 5 (docs/aws-behaviour.md §1.4)
 * @param batchSize 1–10: the SQS target takes at most 10 per batch (docs/aws-behaviour.md §1.3)
 * @param window MaximumBatchingWindowInSeconds, 0–300 s
 * @param startingPosition streams only: TRIM_HORIZON, LATEST or (Kinesis) AT_TIMESTAMP; null for SQS
 * @param startingPositionTimestamp Kinesis AT_TIMESTAMP only
 * @param retries streams only: MaximumRetryAttempts, -1 (infinite)…10000; null = AWS default
 * @param maxRecordAge streams only: MaximumRecordAgeInSeconds; null = AWS default (infinite)
 * @param parallelization streams only: ParallelizationFactor 1–10; null = AWS default (1)
 * @param bisectOnError streams only: OnPartialBatchItemFailure AUTOMATIC_BISECT
 * @param deadLetterQueue streams only: give the pipe its own DLQ (it receives batch metadata only)
 * @param inputTemplate target InputTemplate (≤ 8192 chars) or null to pass the record unchanged
 * @param fifoGroupId MessageGroupId for a FIFO worker queue (static or {@code $.path})
 * @param deduplicationId MessageDeduplicationId for a FIFO worker queue, or null
 */
public record PipeSubscription(
        String name,
        SourceRef source,
        List<String> filters,
        int batchSize,
        Duration window,
        String startingPosition,
        Instant startingPositionTimestamp,
        Integer retries,
        Duration maxRecordAge,
        Integer parallelization,
        boolean bisectOnError,
        boolean deadLetterQueue,
        String inputTemplate,
        String fifoGroupId,
        String deduplicationId) implements Subscription {

    public PipeSubscription {
        filters = List.copyOf(filters);
    }

    public SourceType type() {
        return source.type();
    }

    public boolean isStream() {
        return source.type() != SourceType.SQS;
    }
}
