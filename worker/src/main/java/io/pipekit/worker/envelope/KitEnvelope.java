package io.pipekit.worker.envelope;

import com.fasterxml.jackson.databind.JsonNode;
import io.pipekit.worker.QueueMessage;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * pipekit's own pipe input template, {@code {"kit":"pipes/1",…}} (docs/aws-behaviour.md §1.7, §7.1, §7.2).
 * The template embeds the record's JSON payload as {@code data} — avoiding base64's 4/3 inflation —
 * or, for non-JSON Kinesis payloads, the base64 string as {@code raw}. Fields a template did not
 * include read as null.
 *
 * @param pipe       {@code <aws.pipes.pipe-name>}
 * @param source     {@code <aws.pipes.source-arn>}: the stream's or queue's ARN
 * @param eventId    the source record's {@code eventID}
 * @param ingestedAt {@code <aws.pipes.event.ingestion-time>}, or null
 * @param data       {@code data} (JSON) if present, else {@code raw} (base64-decoded), else empty
 * @param json       the whole envelope as received (do not modify)
 */
public record KitEnvelope(
        QueueMessage queueMessage,
        String pipe,
        String source,
        String eventId,
        String partitionKey,
        String sequenceNumber,
        String eventName,
        Instant ingestedAt,
        Payload data,
        JsonNode json) implements Envelope {

    /** The template version this decoder reads. */
    public static final String VERSION = "pipes/1";

    static KitEnvelope read(QueueMessage message, JsonNode envelope) {
        Fields f = new Fields(envelope, "kit envelope");
        String version = f.requiredText("kit");
        if (!VERSION.equals(version)) {
            // a newer template must not be half-read as an older one
            throw new MalformedEnvelope("unsupported kit envelope version " + version + " (this worker reads " + VERSION + ")");
        }
        Instant ingestedAt;
        try {
            ingestedAt = f.isoInstant("ingestedAt");
        } catch (MalformedEnvelope e) {
            ingestedAt = null;
        }
        JsonNode data = f.any("data");
        String raw = f.text("raw");
        Payload payload;
        if (data != null) {
            payload = Payload.json(data);
        } else if (raw != null) {
            if (!Payload.isBase64(raw)) {
                throw new MalformedEnvelope("kit envelope.raw is not base64");
            }
            payload = Payload.base64(raw);
        } else {
            payload = Payload.empty();
        }
        return new KitEnvelope(message,
                f.text("pipe"),
                f.text("source"),
                scalar(f, "eventId"),
                scalar(f, "partitionKey"),
                scalar(f, "sequenceNumber"),
                scalar(f, "eventName"),
                ingestedAt,
                payload,
                envelope);
    }

    /** Template values are strings, but a template author may have used a number; accept both. */
    private static String scalar(Fields f, String field) {
        JsonNode value = f.any(field);
        if (value == null) {
            return null;
        }
        if (!value.isValueNode()) {
            throw new MalformedEnvelope("kit envelope." + field + " is not a scalar");
        }
        return value.asText();
    }

    @Override
    public EnvelopeKind kind() {
        return EnvelopeKind.KIT;
    }

    /** Any other template field, e.g. one a team added; null when absent. */
    public JsonNode field(String name) {
        return json.get(name);
    }

    /** DynamoDB template (§7.2): {@code keys} as plain Java values, when present. */
    public Optional<Map<String, Object>> keys() {
        return image("keys");
    }

    /** DynamoDB template (§7.2): {@code newImage} as plain Java values, when present. */
    public Optional<Map<String, Object>> newImage() {
        return image("newImage");
    }

    /** DynamoDB template (§7.2): {@code oldImage} as plain Java values, when present. */
    public Optional<Map<String, Object>> oldImage() {
        return image("oldImage");
    }

    private Optional<Map<String, Object>> image(String field) {
        JsonNode image = json.get(field);
        if (image == null || image.isNull() || (image.isTextual() && image.textValue().isEmpty())) {
            return Optional.empty(); // §12.3: a missing path may render as null or "" — both mean absent
        }
        return Optional.of(DynamoAttributes.toPlainMap(image, field));
    }

    @Override
    public String summary() {
        return "KIT pipe=" + pipe + " source=" + source + " eventId=" + eventId;
    }

    /** Id and origin only: a record's default toString would print the body into logs. */
    @Override
    public String toString() {
        return "KitEnvelope[message " + messageId() + ": " + summary() + "]";
    }
}
