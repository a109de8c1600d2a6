package io.pipekit.pipes.runtime;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;

/** A sharded stream (Kinesis, DynamoDB Streams) as the shard pollers read it. */
interface StreamSource {

    record Shard(String id, String parentId) {}

    record Read(List<PolledRecord> records, String nextIterator) {}

    /** Where a shard iterator starts. */
    sealed interface StartAt {
        record TrimHorizon() implements StartAt {}

        record Latest() implements StartAt {}

        record AtTimestamp(Instant timestamp) implements StartAt {}

        record AfterSequence(String sequenceNumber) implements StartAt {}
    }

    /** Thrown when the stream no longer exists; the pipe stops with a {@code StateReason}. */
    final class SourceGoneException extends RuntimeException {
        SourceGoneException(String message, Throwable cause) {
            super(message, cause);
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

    /** The record with the poller metadata added, in AWS's field order (AWS-SEMANTICS §1.2). */
    ObjectNode withMetadata(PolledRecord record, String shardId, PipeSettings settings);
}
