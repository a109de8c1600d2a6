package io.pipekit.worker.envelope;

import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.pipekit.worker.QueueMessage;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.joda.time.DateTime;
import org.joda.time.DateTimeZone;

/**
 * An event delivered by an EventBridge rule with no input transformation: the whole event JSON
 * (docs/aws-behaviour.md §2.1, §2.4).
 *
 * @param time       the event time (second precision on the wire), or null when unparseable/absent
 * @param replayName set when the event comes from an archive replay, else null
 * @param detail     the {@code detail} object; bind it with {@link Payload#as(Class)}
 * @param json       the whole event as received (do not modify); what event patterns match against
 */
public record EventBridgeEvent(
        QueueMessage queueMessage,
        String id,
        String source,
        String detailType,
        String account,
        Instant time,
        String region,
        List<String> resources,
        String replayName,
        Payload detail,
        JsonNode json) implements Envelope {

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() { };

    static EventBridgeEvent read(QueueMessage message, JsonNode event) {
        Fields f = new Fields(event, "event");
        Instant time;
        try {
            time = f.isoInstant("time");
        } catch (MalformedEnvelope e) {
            time = null; // a custom bus may carry any time string; the event stays usable
        }
        return new EventBridgeEvent(message,
                f.text("id"),
                f.requiredText("source"),
                f.requiredText("detail-type"),
                f.text("account"),
                time,
                f.text("region"),
                f.textArray("resources"),
                f.text("replay-name"),
                Payload.json(event.get("detail")), // present: the detector required it
                event);
    }

    @Override
    public EnvelopeKind kind() {
        return EnvelopeKind.EVENTBRIDGE;
    }

    /** The detail bound to {@code type}. @throws PayloadException when it does not bind */
    public <T> T detailAs(Class<T> type) {
        return detail.as(type);
    }

    /** Whether S3 sent this event ({@code source == "aws.s3"}, docs/aws-behaviour.md §4.2). */
    public boolean isS3Event() {
        return "aws.s3".equals(source);
    }

    /**
     * For an S3 event ({@code Object Created}, {@code Object Deleted}, …) the object key. Keys arrive
     * <em>not</em> URL-encoded on this path (docs/aws-behaviour.md §4.2), unlike S3 → SQS notifications.
     */
    public String s3ObjectKey() {
        return isS3Event() ? detail.json().path("object").path("key").asText(null) : null;
    }

    /** For an S3 event the bucket name, else null. */
    public String s3BucketName() {
        return isS3Event() ? detail.json().path("bucket").path("name").asText(null) : null;
    }

    /**
     * The event as Lambda's {@code ScheduledEvent} (the model Lambda uses for any EventBridge event),
     * built on each call; {@code detail} becomes a map.
     */
    public ScheduledEvent toScheduledEvent() {
        ScheduledEvent event = new ScheduledEvent();
        event.setVersion(json.path("version").asText(null));
        event.setId(id);
        event.setSource(source);
        event.setDetailType(detailType);
        event.setAccount(account);
        event.setRegion(region);
        event.setResources(resources);
        if (time != null) {
            event.setTime(new DateTime(time.toEpochMilli(), DateTimeZone.UTC));
        }
        JsonNode detailNode = detail.json();
        if (detailNode.isObject()) {
            event.setDetail(Jackson.MAPPER.convertValue(detailNode, MAP));
        }
        return event;
    }

    @Override
    public String summary() {
        return "EVENTBRIDGE source=" + source + " detail-type=" + detailType + " id=" + id;
    }

    /** Id and origin only: a record's default toString would print the body into logs. */
    @Override
    public String toString() {
        return "EventBridgeEvent[message " + messageId() + ": " + summary() + "]";
    }
}
