package io.pipekit.producers;

import java.util.List;

/**
 * Where events go: one AWS batch API. The {@link Producer} groups encoded entries into batches
 * within {@link #maxBatchEntries()} / {@link #maxBatchBytes()}, calls {@link #send} and retries
 * the entries whose {@link Outcome} is {@link Outcome.Retry}. Instances come from {@link Targets}.
 *
 * @param <R> the SDK request entry type
 */
public interface Target<R> extends AutoCloseable {

    /** e.g. {@code kinesis:orders}. */
    String describe();

    int maxBatchEntries();

    long maxBatchBytes();

    /** Encodes one event; throws {@link IllegalArgumentException} when it exceeds a per-entry limit. */
    Entry<R> encode(SampleEvent event);

    /**
     * Makes one batch call. Returns one outcome per entry, in order. A whole-call failure is thrown
     * as the SDK exception; the producer classifies and retries it.
     */
    List<Outcome> send(List<Entry<R>> batch);

    @Override
    default void close() {}

    /**
     * @param bytes     size counted against the batch byte limit, computed the way AWS counts it
     * @param uniqueKey entries with the same non-null key never share a batch (DynamoDB rejects
     *                  duplicate keys in one BatchWriteItem)
     */
    record Entry<R>(SampleEvent event, R request, int bytes, String uniqueKey) {}

    /** Per-entry result of one call. */
    sealed interface Outcome {
        record Delivered() implements Outcome {}

        /** Transient (throttled, internal error, unprocessed): send this entry again after backoff. */
        record Retry(String code) implements Outcome {}

        /** Permanent: counted as failed and reported, never retried. */
        record Reject(String code, String message) implements Outcome {}

        Outcome DELIVERED = new Delivered();
    }
}
