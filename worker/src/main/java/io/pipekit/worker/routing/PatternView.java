package io.pipekit.worker.routing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pipekit.worker.envelope.DecodeFailure;
import io.pipekit.worker.envelope.Envelope;
import io.pipekit.worker.envelope.EventBridgeEvent;
import io.pipekit.worker.envelope.KitEnvelope;
import io.pipekit.worker.envelope.Payload;
import io.pipekit.worker.envelope.PipesDynamoDbRecord;
import io.pipekit.worker.envelope.PipesKinesisRecord;
import io.pipekit.worker.envelope.PipesSqsRecord;
import io.pipekit.worker.envelope.RawMessage;
import io.pipekit.worker.envelope.S3Notification;
import io.pipekit.worker.envelope.S3TestEvent;
import io.pipekit.worker.envelope.SnsNotification;

/** The JSON an event pattern is matched against, per envelope kind. */
final class PatternView {

    private PatternView() {
    }

    /** Null when the envelope has no JSON to match (plain-text raw bodies, failures). */
    static JsonNode of(Envelope envelope) {
        return switch (envelope) {
            case EventBridgeEvent e -> e.json();
            // docs/aws-behaviour.md §1.2/§1.4: pipe filters see Kinesis data and SQS body as parsed JSON when
            // they are JSON, so the same pattern ({"data":{"type":[…]}}) works here
            case PipesKinesisRecord k -> withParsed(k.json(), "data", k.data());
            case PipesSqsRecord s -> withParsed(s.json(), "body", s.body());
            case PipesDynamoDbRecord d -> d.json();
            case SnsNotification n -> n.json();
            case S3Notification s -> s.json();
            case KitEnvelope k -> k.json();
            case RawMessage r -> r.body().isJson() && r.body().json().isObject() ? r.body().json() : null;
            case S3TestEvent t -> null;
            case DecodeFailure f -> null;
        };
    }

    private static JsonNode withParsed(JsonNode record, String field, Payload payload) {
        if (!payload.isJson()) {
            return record;
        }
        ObjectNode copy = JsonNodeFactory.instance.objectNode(); // shallow: the record itself stays untouched
        copy.setAll((ObjectNode) record);
        copy.set(field, payload.json());
        return copy;
    }
}
