package io.pipekit.worker.envelope;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.fasterxml.jackson.databind.JsonNode;
import io.pipekit.worker.QueueMessage;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Date;

/**
 * One Kinesis record forwarded by an EventBridge pipe without an input template. Pipes records are
 * flat — no {@code kinesis:{}} wrapper as in Lambda (docs/aws-behaviour.md §1.2) — and {@code data} is base64.
 *
 * @param eventId            {@code <shardId>:<sequenceNumber>}
 * @param approximateArrival {@code approximateArrivalTimestamp} (epoch seconds on the wire), to the millisecond
 * @param invokeIdentityArn  the pipe's role
 * @param data               the record's data; {@link Payload#bytes()} is base64-decoded
 * @param json               the whole record as received (do not modify)
 */
public record PipesKinesisRecord(
        QueueMessage queueMessage,
        String eventSourceArn,
        String eventId,
        String partitionKey,
        String sequenceNumber,
        Instant approximateArrival,
        String awsRegion,
        String invokeIdentityArn,
        Payload data,
        JsonNode json) implements Envelope {

    static PipesKinesisRecord read(QueueMessage message, JsonNode record) {
        Fields f = new Fields(record, "record");
        String data = f.requiredText("data");
        if (!Payload.isBase64(data)) {
            throw new MalformedEnvelope("record.data is not base64");
        }
        return new PipesKinesisRecord(message,
                f.text("eventSourceARN"),
                f.text("eventID"),
                f.text("partitionKey"),
                f.requiredText("sequenceNumber"),
                f.epochSeconds("approximateArrivalTimestamp"),
                f.text("awsRegion"),
                f.text("invokeIdentityArn"),
                Payload.base64(data),
                record);
    }

    @Override
    public EnvelopeKind kind() {
        return EnvelopeKind.PIPES_KINESIS;
    }

    /** The stream's name from {@link #eventSourceArn()}, or null. */
    public String streamName() {
        return Arns.nameAfter(eventSourceArn, "stream");
    }

    /** The shard from {@link #eventId()} ({@code shardId-000000000006}), or null. */
    public String shardId() {
        if (eventId == null) {
            return null;
        }
        int colon = eventId.indexOf(':');
        return colon < 0 ? null : eventId.substring(0, colon);
    }

    /** The five Kinesis fields as Lambda's {@code KinesisEvent.Record}, built on each call. */
    public KinesisEvent.Record toKinesisRecord() {
        KinesisEvent.Record record = new KinesisEvent.Record();
        record.setKinesisSchemaVersion(json.path("kinesisSchemaVersion").asText(null));
        record.setPartitionKey(partitionKey);
        record.setSequenceNumber(sequenceNumber);
        record.setData(ByteBuffer.wrap(data.bytes()));
        if (approximateArrival != null) {
            record.setApproximateArrivalTimestamp(Date.from(approximateArrival));
        }
        return record;
    }

    /**
     * The record in Lambda's nested shape ({@code KinesisEvent.KinesisEventRecord}), so handler code
     * written for a Kinesis-triggered Lambda runs unchanged. Built on each call.
     */
    public KinesisEvent.KinesisEventRecord toKinesisEventRecord() {
        KinesisEvent.KinesisEventRecord record = new KinesisEvent.KinesisEventRecord();
        record.setKinesis(toKinesisRecord());
        record.setEventSource(json.path("eventSource").asText(null));
        record.setEventSourceARN(eventSourceArn);
        record.setEventID(eventId);
        record.setEventName(json.path("eventName").asText(null));
        record.setEventVersion(json.path("eventVersion").asText(null));
        record.setInvokeIdentityArn(invokeIdentityArn);
        record.setAwsRegion(awsRegion);
        return record;
    }

    @Override
    public String summary() {
        return "PIPES_KINESIS stream=" + eventSourceArn + " eventId=" + eventId;
    }

    /** Id and origin only: a record's default toString would print the body into logs. */
    @Override
    public String toString() {
        return "PipesKinesisRecord[message " + messageId() + ": " + summary() + "]";
    }
}
