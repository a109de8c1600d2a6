package io.pipekit.ops.dlq;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.StreamRecord;
import software.amazon.awssdk.services.dynamodb.model.TrimmedDataAccessException;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * Turns a pipe's DLQ metadata record back into its records: reads the shard from the start to the
 * end sequence number (docs/aws-behaviour.md §1.9) and rebuilds each record in the shape the pipe
 * delivers (§1.2: the flat Kinesis record with base64 {@code data}, the DynamoDB stream record).
 * Records the stream no longer retains are reported, by sequence number range.
 */
final class StreamRereader {

    /** Kinesis GetRecords returns at most 10,000 records; this bounds one call's memory. */
    private static final int READ_LIMIT = 1000;
    /** An open shard answers "nothing yet" at its tip; this many empty reads in a row end the scan. */
    private static final int EMPTY_READS_AT_TIP = 3;
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

    /** One re-read record: {@code fields} without poller metadata, {@code event} with it. */
    record Reread(String sequenceNumber, ObjectNode fields, ObjectNode event, JsonNode parsedData, Instant arrival) {}

    /**
     * @param records what the stream still has in [start, end], in order
     * @param notRetained null when every record was found; else which ones are gone
     */
    record Result(List<Reread> records, String notRetained) {}

    private final KinesisClient kinesis;
    private final DynamoDbStreamsClient ddb;

    StreamRereader(KinesisClient kinesis, DynamoDbStreamsClient ddb) {
        this.kinesis = kinesis;
        this.ddb = ddb;
    }

    Result read(DeadLetter.PipeBatch batch, String roleArn) {
        return batch.stream() == DeadLetter.PipeBatch.Stream.KINESIS ? kinesis(batch, roleArn) : dynamodb(batch);
    }

    private Result kinesis(DeadLetter.PipeBatch b, String roleArn) {
        if (kinesis == null) {
            throw new IllegalStateException("no Kinesis client to re-read " + b.streamArn());
        }
        // by name: kinesalite cannot address a stream by ARN (docs/emulators.md §4b)
        String stream = b.streamArn().substring(b.streamArn().indexOf(":stream/") + ":stream/".length());
        BigInteger start = new BigInteger(b.startSequenceNumber());
        BigInteger end = new BigInteger(b.endSequenceNumber());
        String iterator;
        boolean fromTrimHorizon = false;
        try {
            iterator = kinesis.getShardIterator(x -> x.streamName(stream).shardId(b.shardId())
                    .shardIteratorType(ShardIteratorType.AT_SEQUENCE_NUMBER).startingSequenceNumber(b.startSequenceNumber())).shardIterator();
        } catch (software.amazon.awssdk.services.kinesis.model.InvalidArgumentException trimmed) {
            // the start is past the retention: read what is left from the trim horizon
            iterator = kinesis.getShardIterator(x -> x.streamName(stream).shardId(b.shardId()).shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
            fromTrimHorizon = true;
        }
        List<Reread> out = new ArrayList<>();
        String region = region(b.streamArn());
        int empty = 0;
        boolean pastEnd = false;
        while (iterator != null && !pastEnd && empty < EMPTY_READS_AT_TIP) {
            String it = iterator;
            GetRecordsResponse page = kinesis.getRecords(x -> x.shardIterator(it).limit(READ_LIMIT));
            empty = page.records().isEmpty() ? empty + 1 : 0;
            for (Record r : page.records()) {
                BigInteger seq = new BigInteger(r.sequenceNumber());
                if (seq.compareTo(end) > 0) {
                    pastEnd = true;
                    break;
                }
                if (seq.compareTo(start) >= 0) {
                    out.add(kinesisRecord(r, b, roleArn, region));
                }
            }
            iterator = page.nextShardIterator();
            if (page.records().isEmpty() && Long.valueOf(0).equals(page.millisBehindLatest())) {
                break;
            }
        }
        return new Result(out, missing(b, out, fromTrimHorizon));
    }

    private static Reread kinesisRecord(Record r, DeadLetter.PipeBatch b, String roleArn, String region) {
        byte[] bytes = r.data().asByteArrayUnsafe();
        Instant arrival = r.approximateArrivalTimestamp() == null ? Instant.now() : r.approximateArrivalTimestamp();
        ObjectNode fields = JSON.createObjectNode();
        fields.put("kinesisSchemaVersion", "1.0");
        fields.put("partitionKey", r.partitionKey());
        fields.put("sequenceNumber", r.sequenceNumber());
        fields.put("data", Base64.getEncoder().encodeToString(bytes));
        fields.put("approximateArrivalTimestamp", BigDecimal.valueOf(arrival.toEpochMilli(), 3));
        ObjectNode event = fields.deepCopy();
        event.put("eventSource", "aws:kinesis");
        event.put("eventVersion", "1.0");
        event.put("eventID", b.shardId() + ":" + r.sequenceNumber());
        event.put("eventName", "aws:kinesis:record");
        event.put("invokeIdentityArn", roleArn);
        event.put("awsRegion", region);
        event.put("eventSourceARN", b.streamArn());
        return new Reread(r.sequenceNumber(), fields, event, parseJson(bytes), arrival);
    }

    private Result dynamodb(DeadLetter.PipeBatch b) {
        if (ddb == null) {
            throw new IllegalStateException("no DynamoDB Streams client to re-read " + b.streamArn());
        }
        BigInteger start = new BigInteger(b.startSequenceNumber());
        BigInteger end = new BigInteger(b.endSequenceNumber());
        String iterator;
        boolean fromTrimHorizon = false;
        try {
            iterator = ddb.getShardIterator(x -> x.streamArn(b.streamArn()).shardId(b.shardId())
                    .shardIteratorType(software.amazon.awssdk.services.dynamodb.model.ShardIteratorType.AT_SEQUENCE_NUMBER)
                    .sequenceNumber(b.startSequenceNumber())).shardIterator();
        } catch (TrimmedDataAccessException | software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException gone) {
            iterator = ddb.getShardIterator(x -> x.streamArn(b.streamArn()).shardId(b.shardId())
                    .shardIteratorType(software.amazon.awssdk.services.dynamodb.model.ShardIteratorType.TRIM_HORIZON)).shardIterator();
            fromTrimHorizon = true;
        }
        List<Reread> out = new ArrayList<>();
        String region = region(b.streamArn());
        int empty = 0;
        boolean pastEnd = false;
        while (iterator != null && !pastEnd && empty < EMPTY_READS_AT_TIP) {
            String it = iterator;
            var page = ddb.getRecords(x -> x.shardIterator(it).limit(READ_LIMIT));
            empty = page.records().isEmpty() ? empty + 1 : 0;
            for (var r : page.records()) {
                BigInteger seq = new BigInteger(r.dynamodb().sequenceNumber());
                if (seq.compareTo(end) > 0) {
                    pastEnd = true;
                    break;
                }
                if (seq.compareTo(start) >= 0) {
                    out.add(dynamodbRecord(r, b, region));
                }
            }
            iterator = page.nextShardIterator();
        }
        return new Result(out, missing(b, out, fromTrimHorizon));
    }

    private static Reread dynamodbRecord(software.amazon.awssdk.services.dynamodb.model.Record r, DeadLetter.PipeBatch b, String region) {
        StreamRecord s = r.dynamodb();
        ObjectNode dynamodb = JSON.createObjectNode();
        Instant created = s.approximateCreationDateTime();
        if (created != null) {
            dynamodb.put("ApproximateCreationDateTime", created.getEpochSecond());
        }
        image(dynamodb, "Keys", s.keys(), s.hasKeys());
        image(dynamodb, "NewImage", s.newImage(), s.hasNewImage());
        image(dynamodb, "OldImage", s.oldImage(), s.hasOldImage());
        dynamodb.put("SequenceNumber", s.sequenceNumber());
        if (s.sizeBytes() != null) {
            dynamodb.put("SizeBytes", s.sizeBytes());
        }
        if (s.streamViewTypeAsString() != null) {
            dynamodb.put("StreamViewType", s.streamViewTypeAsString());
        }
        ObjectNode fields = JSON.createObjectNode();
        fields.put("eventID", r.eventID());
        fields.put("eventName", r.eventNameAsString());
        fields.put("eventVersion", r.eventVersion());
        fields.set("dynamodb", dynamodb);
        // field order of the AWS sample (docs/aws-behaviour.md §1.2)
        ObjectNode event = JSON.createObjectNode();
        event.put("eventID", r.eventID());
        event.put("eventVersion", r.eventVersion());
        event.set("dynamodb", dynamodb.deepCopy());
        event.put("awsRegion", region);
        event.put("eventName", r.eventNameAsString());
        event.put("eventSourceARN", b.streamArn());
        event.put("eventSource", "aws:dynamodb");
        if (r.userIdentity() != null) {
            ObjectNode id = JSON.createObjectNode().put("type", r.userIdentity().type()).put("principalId", r.userIdentity().principalId());
            fields.set("userIdentity", id);
            event.set("userIdentity", id.deepCopy());
        }
        return new Reread(s.sequenceNumber(), fields, event, dynamodb, created == null ? Instant.now() : created);
    }

    /** Which records of the batch the stream no longer has, or null when none is missing. */
    private static String missing(DeadLetter.PipeBatch b, List<Reread> found, boolean fromTrimHorizon) {
        if (found.isEmpty()) {
            return "all " + b.batchSize() + " record(s) " + b.startSequenceNumber() + ".." + b.endSequenceNumber() + " are no longer in the stream";
        }
        boolean startFound = found.getFirst().sequenceNumber().equals(b.startSequenceNumber());
        boolean endFound = found.getLast().sequenceNumber().equals(b.endSequenceNumber());
        if (startFound && endFound && !fromTrimHorizon) {
            return null;
        }
        List<String> parts = new ArrayList<>();
        if (!startFound) {
            parts.add("sequence numbers from " + b.startSequenceNumber() + " up to (not including) " + found.getFirst().sequenceNumber() + " are past the stream's retention");
        }
        if (!endFound) {
            parts.add("sequence numbers after " + found.getLast().sequenceNumber() + " up to " + b.endSequenceNumber() + " were not found");
        }
        return parts.isEmpty() ? null : String.join("; ", parts) + " (" + found.size() + " of " + b.batchSize() + " found; the batch counts only records that passed the filter)";
    }

    private static void image(ObjectNode parent, String name, Map<String, AttributeValue> image, boolean present) {
        if (present) {
            ObjectNode node = parent.putObject(name);
            image.forEach((k, v) -> node.set(k, attributeValue(v)));
        }
    }

    private static JsonNode attributeValue(AttributeValue v) {
        ObjectNode node = JSON.createObjectNode();
        switch (v.type()) {
            case S -> node.put("S", v.s());
            case N -> node.put("N", v.n());
            case B -> node.put("B", base64(v.b()));
            case BOOL -> node.put("BOOL", v.bool());
            case NUL -> node.put("NULL", true);
            case SS -> v.ss().forEach(node.putArray("SS")::add);
            case NS -> v.ns().forEach(node.putArray("NS")::add);
            case BS -> {
                ArrayNode a = node.putArray("BS");
                v.bs().forEach(x -> a.add(base64(x)));
            }
            case L -> {
                ArrayNode a = node.putArray("L");
                v.l().forEach(x -> a.add(attributeValue(x)));
            }
            case M -> {
                ObjectNode m = node.putObject("M");
                v.m().forEach((k, x) -> m.set(k, attributeValue(x)));
            }
            default -> node.putNull("UNKNOWN");
        }
        return node;
    }

    private static String base64(SdkBytes b) {
        return Base64.getEncoder().encodeToString(b.asByteArrayUnsafe());
    }

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

    static String region(String arn) {
        String[] p = arn.split(":");
        return p.length > 3 ? p[3] : "";
    }

    static boolean isGone(SdkException e) {
        return e instanceof software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException
                || e instanceof software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
    }
}
