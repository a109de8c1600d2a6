package io.pipekit.producers;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Objects;

/**
 * One generated event, in the {@value #SCHEMA} schema that every target carries (as the Kinesis
 * record data, the DynamoDB item, the EventBridge {@code detail}, the SQS body, the SNS
 * {@code Message}).
 *
 * <pre>{@code
 * {"schema":"pipekit.sample/1","eventId":"1b4e…","runId":"demo-1","seq":17,"scenario":"orders",
 *  "type":"order.paid","key":"customer-00042","subject":"order-7f3a…",
 *  "producedAt":"2026-11-23T13:00:00.123456Z","data":{…},"pad":"…"}
 * }</pre>
 *
 * <ul>
 *   <li>{@code eventId}: a UUID derived from the seed and {@code seq}: the same seed gives the same
 *       ids, so two runs can be diffed; a consumer de-duplicates on {@code (runId, eventId)}.
 *   <li>{@code runId}: one per run (random unless given); {@code seq} is 0,1,2,… within the run, so
 *       a consumer detects loss as gaps and duplicates as repeats of {@code (runId, seq)}.
 *   <li>{@code key}: the partition key (Kinesis partition key, SQS FIFO group, SNS FIFO group);
 *       {@code subject}: the entity the event is about (order, session, device).
 *   <li>{@code producedAt}: wall-clock instant the event was released by the rate limiter, so a
 *       consumer computes end-to-end latency as {@code now - producedAt}.
 *   <li>{@code pad}: filler so the serialized event reaches {@code --payload-size} bytes; absent
 *       when no size was requested.
 * </ul>
 */
public record SampleEvent(
        String eventId,
        String runId,
        long seq,
        String scenario,
        String type,
        String key,
        String subject,
        Instant producedAt,
        ObjectNode data,
        String pad) {

    public static final String SCHEMA = "pipekit.sample/1";

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Fixed-width microseconds, so an event's size does not depend on trailing zeros of its instant. */
    private static final DateTimeFormatter PRODUCED_AT =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    public SampleEvent {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(producedAt, "producedAt");
        Objects.requireNonNull(data, "data");
    }

    /** The JSON form; field order is fixed so equal events serialize to equal bytes. */
    public String toJson() {
        try {
            return JSON.writeValueAsString(toJsonNode());
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public ObjectNode toJsonNode() {
        ObjectNode n = JSON.createObjectNode();
        n.put("schema", SCHEMA);
        n.put("eventId", eventId);
        n.put("runId", runId);
        n.put("seq", seq);
        n.put("scenario", scenario);
        n.put("type", type);
        n.put("key", key);
        n.put("subject", subject);
        n.put("producedAt", PRODUCED_AT.format(producedAt));
        n.set("data", data);
        if (pad != null && !pad.isEmpty()) {
            n.put("pad", pad);
        }
        return n;
    }

    /** Parses the JSON form (what a worker handler receives after envelope decoding). */
    public static SampleEvent parse(String json) {
        try {
            return fromJsonNode(JSON.readTree(json));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a " + SCHEMA + " event: " + e.getOriginalMessage(), e);
        }
    }

    public static SampleEvent fromJsonNode(JsonNode n) {
        if (!SCHEMA.equals(n.path("schema").asText())) {
            throw new IllegalArgumentException("not a " + SCHEMA + " event (schema=" + n.path("schema") + ")");
        }
        JsonNode data = n.path("data");
        return new SampleEvent(
                n.path("eventId").asText(),
                n.path("runId").asText(),
                n.path("seq").asLong(),
                n.path("scenario").asText(),
                n.path("type").asText(),
                n.path("key").asText(),
                n.path("subject").asText(),
                Instant.parse(n.path("producedAt").asText()),
                data.isObject() ? (ObjectNode) data : JSON.createObjectNode(),
                n.hasNonNull("pad") ? n.get("pad").asText() : null);
    }

    /** True when the JSON text carries this schema (cheap check before {@link #parse}). */
    public static boolean isSampleEvent(String json) {
        return json != null && json.contains("\"schema\":\"" + SCHEMA + "\"");
    }

    /** End-to-end latency as seen at {@code receivedAt}. */
    public Duration latencyAt(Instant receivedAt) {
        return Duration.between(producedAt, receivedAt);
    }

    /** The same event without its timestamp and run id: what a repeat run with the same seed reproduces. */
    public String repeatableForm() {
        ObjectNode n = toJsonNode();
        n.remove("producedAt");
        n.remove("runId");
        return n.toString();
    }
}
