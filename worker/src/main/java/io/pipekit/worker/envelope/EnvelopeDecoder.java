package io.pipekit.worker.envelope;

import com.fasterxml.jackson.databind.JsonNode;
import io.pipekit.worker.QueueMessage;

/**
 * Turns a {@link QueueMessage} into a typed {@link Envelope}. The body is parsed once into a tree
 * (only when it starts like a JSON object), the kind detected per docs/aws-behaviour.md §10.1, and the
 * fields every kind needs read; nested payloads (base64 data, SNS {@code Message}, piped SQS
 * {@code body}) wait until a handler asks for them.
 *
 * <p>{@link #decode} never throws: bodies that are not a known envelope become {@link RawMessage};
 * bodies that claim a kind but are malformed become {@link DecodeFailure} with the reason. The
 * decoder is stateless and thread-safe; share one instance.
 */
public final class EnvelopeDecoder {

    /** SNS-in-SNS-in-… is legal but never deeper than this in practice; past it the text stays raw. */
    static final int MAX_NESTING = 4;

    public EnvelopeDecoder() {
    }

    public Envelope decode(QueueMessage message) {
        try {
            if (message == null) {
                return new DecodeFailure(null, EnvelopeKind.RAW, "no message", null);
            }
            String body = message.body();
            if (body == null) {
                return new DecodeFailure(message, EnvelopeKind.RAW, "message has no body", null);
            }
            if (!Jackson.startsLikeObject(body)) {
                return new RawMessage(message, Payload.text(body));
            }
            JsonNode tree;
            try {
                tree = TreeReader.read(body);
            } catch (Exception notJson) {
                // starts with '{' but is not one JSON object: a producer's own text, not an envelope (§10.1 step 9)
                return new RawMessage(message, Payload.text(body));
            }
            if (tree == null || !tree.isObject()) {
                return new RawMessage(message, Payload.text(body));
            }
            return fromObject(message, tree, null, 0);
        } catch (RuntimeException | StackOverflowError e) {
            // a decoder bug must not take the poll loop down: the message takes the failure path instead
            return new DecodeFailure(message, EnvelopeKind.RAW, "decoder error: " + e, e);
        }
    }

    /** @param asRaw the payload a RAW result carries; null at the top level, where it is the message body */
    private Envelope fromObject(QueueMessage message, JsonNode object, Payload asRaw, int depth) {
        EnvelopeKind kind = KindDetector.detect(object);
        try {
            return switch (kind) {
                case SNS -> SnsNotification.read(message, object, nested(message, depth));
                case S3_TEST -> S3TestEvent.read(message, new Fields(object, "test event"));
                case S3 -> S3Notification.read(message, object);
                case EVENTBRIDGE -> EventBridgeEvent.read(message, object);
                case PIPES_KINESIS -> PipesKinesisRecord.read(message, object);
                case PIPES_DYNAMODB -> PipesDynamoDbRecord.read(message, object);
                case PIPES_SQS -> PipesSqsRecord.read(message, object, nested(message, depth));
                case KIT -> KitEnvelope.read(message, object);
                // the top level's raw payload is made only here, where it is needed (asRaw is null there)
                case RAW, DECODE_FAILURE -> new RawMessage(message, asRaw != null ? asRaw : Payload.parsedText(message.body(), object));
            };
        } catch (MalformedEnvelope e) {
            return new DecodeFailure(message, kind, e.getMessage(), null);
        }
    }

    /** How a nested text (SNS Message, piped SQS body) becomes an envelope: same rules, one level deeper. */
    private java.util.function.Function<Payload, Envelope> nested(QueueMessage message, int depth) {
        return payload -> {
            try {
                JsonNode object = depth + 1 < MAX_NESTING ? payload.objectTreeOrNull() : null;
                return object == null ? new RawMessage(message, payload) : fromObject(message, object, payload, depth + 1);
            } catch (RuntimeException | StackOverflowError e) {
                return new DecodeFailure(message, EnvelopeKind.RAW, "decoder error in nested payload: " + e, e);
            }
        };
    }
}
