package io.pipekit.pipes.runtime;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/** A sharded stream (Kinesis, DynamoDB Streams) as the shard pollers read it. */
interface StreamSource {

    /**
     * A shard: its parents ({@code adjacentParentId} only after a merge) and whether it is closed (it
     * has an ending sequence number: a parent after a reshard).
     */
    record Shard(String id, String parentId, String adjacentParentId, boolean closed) {}

    record Read(List<PolledRecord> records, String nextIterator) {

        /** One GetRecords page of SDK records, each converted with the same receive time. */
        static <R> Read of(List<R> page, BiFunction<R, Instant, PolledRecord> toPolled, String nextIterator) {
            Instant now = Instant.now();
            List<PolledRecord> records = new ArrayList<>(page.size());
            for (R record : page) {
                records.add(toPolled.apply(record, now));
            }
            return new Read(records, nextIterator);
        }
    }

    /** Where a shard iterator starts. */
    sealed interface StartAt {
        record TrimHorizon() implements StartAt {}

        record Latest() implements StartAt {}

        record AtTimestamp(Instant timestamp) implements StartAt {}

        record AfterSequence(String sequenceNumber) implements StartAt {}
    }

    /** Thrown when the stream no longer exists; the pipe stops with a {@code StateReason}. */
    final class SourceGoneException extends RuntimeException {
        // the StateReason AWS shows for a pipe whose stream was deleted
        SourceGoneException(Throwable cause) {
            super("Stream not found. To resume processing please delete the pipe and create a new one.", cause);
        }
    }

    /** Thrown when an iterator expired; the poller asks for a new one from its checkpoint. */
    final class IteratorExpiredException extends RuntimeException {
        IteratorExpiredException(Throwable cause) {
            super(cause);
        }
    }

    /** Fails with {@link SourceGoneException} when the stream does not exist. */
    void checkExists();

    List<Shard> shards();

    String iterator(String shardId, StartAt start);

    Read read(String iterator, int limit);

    /** The record with the poller metadata added, in AWS's field order (docs/aws-behaviour.md §1.2). */
    ObjectNode withMetadata(PolledRecord record, String shardId, PipeSettings settings);
}
