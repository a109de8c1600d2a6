package io.pipekit.worker.sqsd;

import com.fasterxml.jackson.databind.node.TextNode;
import io.pipekit.worker.MessageAttribute;
import io.pipekit.worker.envelope.DecodeFailure;
import io.pipekit.worker.envelope.Envelope;
import io.pipekit.worker.envelope.EnvelopeKind;
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
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The decoded-body mode: the payload an envelope carries, with the envelope's metadata as
 * {@code X-Pipekit-*} headers. Wrappers (an SNS notification, a piped SQS message) are peeled: their
 * metadata goes in {@code X-Pipekit-Sns-*} / {@code X-Pipekit-Sqs-*} headers, {@code X-Pipekit-Via}
 * lists them outermost first, and the body and {@code X-Pipekit-Kind} come from what they wrap.
 *
 * @param body        the payload bytes
 * @param contentType {@code application/json} for JSON payloads, the configured type for raw bodies,
 *                    {@code text/plain; charset=utf-8} or {@code application/octet-stream} otherwise
 * @param headers     the {@code X-Pipekit-*} headers (values that cannot be header values are left out)
 */
record DecodedBody(byte[] body, String contentType, Map<String, String> headers) {

    static final String JSON = "application/json";
    static final String TEXT = "text/plain; charset=utf-8";
    static final String BYTES = "application/octet-stream";

    /** @throws io.pipekit.worker.envelope.EnvelopeDecodeException for a {@link DecodeFailure}: retried, then the DLQ */
    static DecodedBody of(Envelope envelope, String rawContentType) {
        Map<String, String> headers = new LinkedHashMap<>();
        List<String> via = new ArrayList<>();
        Envelope current = envelope;
        while (true) {
            switch (current) {
                case SnsNotification n -> {
                    via.add("sns");
                    put(headers, "X-Pipekit-Sns-Topic-Arn", n.topicArn());
                    put(headers, "X-Pipekit-Sns-Message-Id", n.snsMessageId());
                    put(headers, "X-Pipekit-Sns-Subject", n.subject());
                    put(headers, "X-Pipekit-Sns-Timestamp", n.timestamp());
                    put(headers, "X-Pipekit-Sns-Sequence-Number", n.sequenceNumber());
                    n.messageAttributes().forEach((name, attribute) -> attribute(headers, "X-Pipekit-Sns-Attr-", name, attribute));
                    current = n.inner();
                    continue;
                }
                case PipesSqsRecord s -> {
                    via.add("pipes-sqs");
                    put(headers, "X-Pipekit-Sqs-Source-Arn", s.eventSourceArn());
                    put(headers, "X-Pipekit-Sqs-Message-Id", s.sourceMessageId());
                    put(headers, "X-Pipekit-Sqs-Region", s.awsRegion());
                    s.messageAttributes().forEach((name, attribute) -> attribute(headers, "X-Pipekit-Sqs-Attr-", name, attribute));
                    current = s.inner();
                    continue;
                }
                default -> {
                }
            }
            break;
        }
        Map<String, String> result = new LinkedHashMap<>();
        result.put("X-Pipekit-Kind", kindName(current.kind()));
        if (!via.isEmpty()) {
            result.put("X-Pipekit-Via", String.join(",", via));
        }
        return switch (current) {
            case EventBridgeEvent e -> {
                put(result, "X-Pipekit-Event-Id", e.id());
                put(result, "X-Pipekit-Source", e.source());
                put(result, "X-Pipekit-Detail-Type", e.detailType());
                put(result, "X-Pipekit-Account", e.account());
                put(result, "X-Pipekit-Region", e.region());
                put(result, "X-Pipekit-Time", e.time());
                if (!e.resources().isEmpty()) {
                    put(result, "X-Pipekit-Resources", String.join(",", e.resources()));
                }
                put(result, "X-Pipekit-Replay-Name", e.replayName());
                result.putAll(headers);
                yield payload(e.detail(), result);
            }
            case PipesKinesisRecord k -> {
                put(result, "X-Pipekit-Source-Arn", k.eventSourceArn());
                put(result, "X-Pipekit-Event-Id", k.eventId());
                put(result, "X-Pipekit-Partition-Key", k.partitionKey());
                put(result, "X-Pipekit-Sequence-Number", k.sequenceNumber());
                put(result, "X-Pipekit-Approximate-Arrival", k.approximateArrival());
                put(result, "X-Pipekit-Region", k.awsRegion());
                result.putAll(headers);
                yield payload(k.data(), result);
            }
            case PipesDynamoDbRecord d -> {
                put(result, "X-Pipekit-Source-Arn", d.eventSourceArn());
                put(result, "X-Pipekit-Event-Id", d.eventId());
                put(result, "X-Pipekit-Event-Name", d.eventName());
                put(result, "X-Pipekit-Sequence-Number", d.sequenceNumber());
                put(result, "X-Pipekit-Region", d.awsRegion());
                put(result, "X-Pipekit-Created-At", d.createdAt());
                put(result, "X-Pipekit-Stream-View-Type", d.streamViewType());
                result.putAll(headers);
                // the stream record's own shape (Keys, NewImage, OldImage as DynamoDB JSON): lossless, typed
                yield new DecodedBody(d.dynamodb().toString().getBytes(StandardCharsets.UTF_8), JSON, result);
            }
            case KitEnvelope k -> {
                put(result, "X-Pipekit-Pipe", k.pipe());
                put(result, "X-Pipekit-Source-Arn", k.source());
                put(result, "X-Pipekit-Event-Id", k.eventId());
                put(result, "X-Pipekit-Event-Name", k.eventName());
                put(result, "X-Pipekit-Partition-Key", k.partitionKey());
                put(result, "X-Pipekit-Sequence-Number", k.sequenceNumber());
                put(result, "X-Pipekit-Ingested-At", k.ingestedAt());
                result.putAll(headers);
                yield payload(k.data(), result);
            }
            case S3Notification s -> {
                if (!s.records().isEmpty()) {
                    put(result, "X-Pipekit-Event-Name", s.records().getFirst().eventName());
                    put(result, "X-Pipekit-Bucket", s.records().getFirst().bucketName());
                }
                put(result, "X-Pipekit-Record-Count", s.records().size());
                result.putAll(headers);
                // the notification is itself the payload: the app reads Records[] as S3 documents them
                yield new DecodedBody(s.json().toString().getBytes(StandardCharsets.UTF_8), JSON, result);
            }
            case S3TestEvent t -> {
                put(result, "X-Pipekit-Bucket", t.bucket());
                result.putAll(headers);
                String json = "{\"Service\":\"Amazon S3\",\"Event\":\"s3:TestEvent\",\"Time\":" + quote(t.time())
                        + ",\"Bucket\":" + quote(t.bucket()) + ",\"RequestId\":" + quote(t.requestId()) + "}";
                yield new DecodedBody(json.getBytes(StandardCharsets.UTF_8), JSON, result);
            }
            case RawMessage r -> {
                result.putAll(headers);
                // a plain body passes through as it would in raw mode; an SNS/SQS-wrapped text gets a type from its content
                String type = via.isEmpty() ? rawContentType : (r.body().isJson() ? JSON : TEXT);
                yield new DecodedBody(r.body().bytes(), type, result);
            }
            case DecodeFailure f -> throw f.toException();
            case SnsNotification n -> throw new IllegalStateException("unreachable: wrappers are peeled above");
            case PipesSqsRecord s -> throw new IllegalStateException("unreachable: wrappers are peeled above");
        };
    }

    static String kindName(EnvelopeKind kind) {
        return kind.name().toLowerCase().replace('_', '-');
    }

    private static DecodedBody payload(Payload payload, Map<String, String> headers) {
        byte[] bytes = payload.bytes();
        String type = payload.isJson() ? JSON : (isUtf8Text(bytes) ? TEXT : BYTES);
        return new DecodedBody(bytes, type, headers);
    }

    private static boolean isUtf8Text(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes));
            for (byte b : bytes) {
                if (b >= 0 && b < 0x20 && b != '\n' && b != '\r' && b != '\t') {
                    return false;
                }
            }
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static void attribute(Map<String, String> headers, String prefix, String name, MessageAttribute attribute) {
        if (!attribute.isBinary() && HeaderValues.isToken(name)) {
            put(headers, prefix + name, attribute.stringValue());
        }
    }

    private static void put(Map<String, String> headers, String name, Object value) {
        if (value == null) {
            return;
        }
        String text = value instanceof Instant instant ? instant.toString() : value.toString();
        if (!text.isEmpty() && HeaderValues.isValid(text)) {
            headers.put(name, text);
        }
    }

    private static String quote(String value) {
        return value == null ? "null" : TextNode.valueOf(value).toString();
    }
}
