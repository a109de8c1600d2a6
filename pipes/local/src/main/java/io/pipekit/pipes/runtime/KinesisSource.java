package io.pipekit.pipes.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ExpiredIteratorException;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * A Kinesis stream as a pipe source. Streams are addressed by name, which both kinesis-mock and
 * kinesalite accept (kinesalite cannot address by ARN, docs/emulators.md §4b).
 */
final class KinesisSource implements StreamSource {

    private static final ObjectMapper JSON = com.fasterxml.jackson.databind.json.JsonMapper.builder()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

    private final KinesisClient kinesis;
    private final String streamArn;
    private final String streamName;

    KinesisSource(KinesisClient kinesis, String streamArn) {
        this.kinesis = kinesis;
        this.streamArn = streamArn;
        this.streamName = Arns.name(streamArn);
    }

    @Override
    public void checkExists() {
        try {
            kinesis.describeStreamSummary(b -> b.streamName(streamName));
        } catch (ResourceNotFoundException e) {
            throw new SourceGoneException(e);
        }
    }

    @Override
    public List<Shard> shards() {
        List<Shard> shards = new ArrayList<>();
        String token = null;
        try {
            do {
                String next = token;
                ListShardsResponse response = next == null
                        ? kinesis.listShards(b -> b.streamName(streamName))
                        : kinesis.listShards(b -> b.nextToken(next));
                response.shards().forEach(s -> shards.add(new Shard(s.shardId(), s.parentShardId(), s.adjacentParentShardId(),
                        s.sequenceNumberRange() != null && s.sequenceNumberRange().endingSequenceNumber() != null)));
                token = response.nextToken();
            } while (token != null);
        } catch (ResourceNotFoundException e) {
            throw new SourceGoneException(e);
        }
        return shards;
    }

    @Override
    public String iterator(String shardId, StartAt start) {
        try {
            return kinesis.getShardIterator(b -> {
                b.streamName(streamName).shardId(shardId);
                switch (start) {
                    case StartAt.TrimHorizon t -> b.shardIteratorType(ShardIteratorType.TRIM_HORIZON);
                    case StartAt.Latest l -> b.shardIteratorType(ShardIteratorType.LATEST);
                    case StartAt.AtTimestamp at -> b.shardIteratorType(ShardIteratorType.AT_TIMESTAMP).timestamp(at.timestamp());
                    case StartAt.AfterSequence after -> b.shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER)
                            .startingSequenceNumber(after.sequenceNumber());
                }
            }).shardIterator();
        } catch (ResourceNotFoundException e) {
            throw new SourceGoneException(e);
        }
    }

    @Override
    public Read read(String iterator, int limit) {
        GetRecordsResponse response;
        try {
            response = kinesis.getRecords(b -> b.shardIterator(iterator).limit(limit));
        } catch (ExpiredIteratorException e) {
            throw new IteratorExpiredException(e);
        } catch (ResourceNotFoundException e) {
            throw new SourceGoneException(e);
        }
        return Read.of(response.records(), KinesisSource::toPolled, response.nextShardIterator());
    }

    /** The flat Pipes Kinesis record, without the poller metadata (docs/aws-behaviour.md §1.2). */
    static PolledRecord toPolled(Record record, Instant now) {
        byte[] bytes = record.data().asByteArrayUnsafe();
        Instant arrival = record.approximateArrivalTimestamp() == null ? now : record.approximateArrivalTimestamp();
        ObjectNode fields = JSON.createObjectNode();
        fields.put("kinesisSchemaVersion", "1.0");
        fields.put("partitionKey", record.partitionKey());
        fields.put("sequenceNumber", record.sequenceNumber());
        fields.put("data", Base64.getEncoder().encodeToString(bytes));
        // epoch seconds with a millisecond fraction, as a JSON number (docs/aws-behaviour.md §1.2)
        fields.put("approximateArrivalTimestamp", BigDecimal.valueOf(arrival.toEpochMilli(), 3));
        return new PolledRecord(fields, parseJson(bytes), record.sequenceNumber(), arrival, now);
    }

    @Override
    public ObjectNode withMetadata(PolledRecord record, String shardId, PipeSettings settings) {
        ObjectNode event = record.fields().deepCopy();
        event.put("eventSource", "aws:kinesis");
        event.put("eventVersion", "1.0");
        event.put("eventID", shardId + ":" + record.position());
        event.put("eventName", "aws:kinesis:record");
        event.put("invokeIdentityArn", settings.roleArn());
        event.put("awsRegion", Arns.region(streamArn));
        event.put("eventSourceARN", streamArn);
        return event;
    }

    /** The payload as JSON when it is JSON (implicit parsing, docs/aws-behaviour.md §1.4, §1.6), else null. */
    static JsonNode parseJson(byte[] bytes) {
        int i = 0;
        while (i < bytes.length && Character.isWhitespace(bytes[i])) {
            i++;
        }
        if (i == bytes.length) {
            return null;
        }
        try {
            return JSON.readTree(bytes);
        } catch (java.io.IOException notJson) {
            return null;
        }
    }
}
