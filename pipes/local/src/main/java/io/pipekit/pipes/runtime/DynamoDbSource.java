package io.pipekit.pipes.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DescribeStreamResponse;
import software.amazon.awssdk.services.dynamodb.model.ExpiredIteratorException;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.StreamRecord;
import software.amazon.awssdk.services.dynamodb.model.TrimmedDataAccessException;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/** A DynamoDB stream as a pipe source (docs/aws-behaviour.md §1.2 "DynamoDB stream"). */
final class DynamoDbSource implements StreamSource {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final DynamoDbStreamsClient streams;
    private final String streamArn;
    /** The runtime's region, for {@code awsRegion} and {@code eventSourceARN}: DynamoDB Local names its own "ddblocal". */
    private final String region;
    /** {@link #streamArn} with the runtime's region, as the record shows it. */
    private final String recordSourceArn;

    DynamoDbSource(DynamoDbStreamsClient streams, String streamArn, String region) {
        this.streams = streams;
        this.streamArn = streamArn;
        this.region = region;
        String[] parts = streamArn.split(":", 6);
        this.recordSourceArn = parts.length == 6 ? String.join(":", parts[0], parts[1], parts[2], region, parts[4], parts[5]) : streamArn;
    }

    @Override
    public void checkExists() {
        try {
            streams.describeStream(b -> b.streamArn(streamArn).limit(1));
        } catch (ResourceNotFoundException e) {
            throw new SourceGoneException(e);
        }
    }

    @Override
    public List<Shard> shards() {
        List<Shard> shards = new ArrayList<>();
        String last = null;
        try {
            do {
                String start = last;
                DescribeStreamResponse response = streams.describeStream(b -> b.streamArn(streamArn).exclusiveStartShardId(start));
                response.streamDescription().shards().forEach(s -> shards.add(new Shard(s.shardId(), s.parentShardId(), null,
                        s.sequenceNumberRange() != null && s.sequenceNumberRange().endingSequenceNumber() != null)));
                last = response.streamDescription().lastEvaluatedShardId();
            } while (last != null);
        } catch (ResourceNotFoundException e) {
            throw new SourceGoneException(e);
        }
        return shards;
    }

    @Override
    public String iterator(String shardId, StartAt start) {
        try {
            return streams.getShardIterator(b -> {
                b.streamArn(streamArn).shardId(shardId);
                switch (start) {
                    case StartAt.TrimHorizon t -> b.shardIteratorType(ShardIteratorType.TRIM_HORIZON);
                    case StartAt.Latest l -> b.shardIteratorType(ShardIteratorType.LATEST);
                    case StartAt.AtTimestamp at -> b.shardIteratorType(ShardIteratorType.TRIM_HORIZON);
                    case StartAt.AfterSequence after -> b.shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER)
                            .sequenceNumber(after.sequenceNumber());
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
            response = streams.getRecords(b -> b.shardIterator(iterator).limit(Math.min(limit, 1000)));
        } catch (ExpiredIteratorException | TrimmedDataAccessException e) {
            throw new IteratorExpiredException(e);
        } catch (ResourceNotFoundException e) {
            throw new SourceGoneException(e);
        }
        return Read.of(response.records(), DynamoDbSource::toPolled, response.nextShardIterator());
    }

    static PolledRecord toPolled(Record record, Instant now) {
        StreamRecord stream = record.dynamodb();
        ObjectNode dynamodb = JSON.createObjectNode();
        // DynamoDB Local truncates ApproximateCreationDateTime to the minute; the time the poller first
        // saw the record is within a poll interval of the write, so it stands in (docs/aws-behaviour.md §1.2)
        dynamodb.put("ApproximateCreationDateTime", now.getEpochSecond());
        putImage(dynamodb, "Keys", stream.keys(), stream.hasKeys());
        putImage(dynamodb, "NewImage", stream.newImage(), stream.hasNewImage());
        putImage(dynamodb, "OldImage", stream.oldImage(), stream.hasOldImage());
        dynamodb.put("SequenceNumber", stream.sequenceNumber());
        if (stream.sizeBytes() != null) {
            dynamodb.put("SizeBytes", stream.sizeBytes());
        }
        if (stream.streamViewTypeAsString() != null) {
            dynamodb.put("StreamViewType", stream.streamViewTypeAsString());
        }
        // eventID, eventName and eventVersion come with the stream record itself, so they are
        // present (and filterable) before the poller metadata is added
        ObjectNode fields = JSON.createObjectNode();
        fields.put("eventID", record.eventID());
        fields.put("eventName", record.eventNameAsString());
        fields.put("eventVersion", record.eventVersion());
        if (record.userIdentity() != null) {
            fields.set("userIdentity", JSON.createObjectNode()
                    .put("type", record.userIdentity().type())
                    .put("principalId", record.userIdentity().principalId()));
        }
        fields.set("dynamodb", dynamodb);
        return new PolledRecord(fields, dynamodb, stream.sequenceNumber(), now, now);
    }

    @Override
    public ObjectNode withMetadata(PolledRecord record, String shardId, PipeSettings settings) {
        ObjectNode source = record.fields();
        // field order of the AWS sample (docs/aws-behaviour.md §1.2)
        ObjectNode event = JSON.createObjectNode();
        event.set("eventID", source.get("eventID"));
        event.set("eventVersion", source.get("eventVersion"));
        event.set("dynamodb", source.get("dynamodb").deepCopy());
        event.put("awsRegion", region);
        event.set("eventName", source.get("eventName"));
        event.put("eventSourceARN", recordSourceArn);
        event.put("eventSource", "aws:dynamodb");
        if (source.has("userIdentity")) {
            event.set("userIdentity", source.get("userIdentity"));
        }
        return event;
    }

    private static void putImage(ObjectNode parent, String name, Map<String, AttributeValue> image, boolean present) {
        if (!present) {
            return;
        }
        ObjectNode node = parent.putObject(name);
        image.forEach((key, value) -> node.set(key, attributeValue(value)));
    }

    /** Typed AttributeValue JSON: {@code {"S":"x"}}, {@code {"N":"1"}}, {@code {"B":"<base64>"}}, ... */
    static JsonNode attributeValue(AttributeValue value) {
        ObjectNode node = JSON.createObjectNode();
        switch (value.type()) {
            case S -> node.put("S", value.s());
            case N -> node.put("N", value.n());
            case B -> node.put("B", base64(value.b()));
            case BOOL -> node.put("BOOL", value.bool());
            case NUL -> node.put("NULL", true);
            case SS -> value.ss().forEach(node.putArray("SS")::add);
            case NS -> value.ns().forEach(node.putArray("NS")::add);
            case BS -> {
                ArrayNode array = node.putArray("BS");
                value.bs().forEach(b -> array.add(base64(b)));
            }
            case L -> {
                ArrayNode array = node.putArray("L");
                value.l().forEach(v -> array.add(attributeValue(v)));
            }
            case M -> {
                ObjectNode map = node.putObject("M");
                value.m().forEach((k, v) -> map.set(k, attributeValue(v)));
            }
            default -> node.putNull("UNKNOWN");
        }
        return node;
    }

    private static String base64(SdkBytes bytes) {
        return Base64.getEncoder().encodeToString(bytes.asByteArrayUnsafe());
    }

}
