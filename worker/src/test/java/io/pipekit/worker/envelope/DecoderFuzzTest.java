package io.pipekit.worker.envelope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pipekit.worker.QueueMessage;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Property: for any body — mutated fixtures, random JSON built from envelope vocabulary, random text —
 * {@link EnvelopeDecoder#decode} returns an envelope (or a decode failure) for that message and never
 * throws, and every lazy accessor throws at most {@link PayloadException}. Seeded, so a failure
 * reproduces; 100,000 inputs run in a few seconds.
 */
class DecoderFuzzTest {

    private static final long SEED = 0x5EED_2026_0807L;
    private static final int INPUTS = 100_000;

    /** Keys and values the detector and readers look at, so random JSON hits their branches. */
    private static final String[] KEYS = {"Type", "TopicArn", "Message", "MessageId", "MessageAttributes", "Timestamp",
            "SequenceNumber", "Event", "Bucket", "Records", "eventSource", "s3", "bucket", "object", "key", "size", "name",
            "version", "detail-type", "source", "detail", "time", "resources", "kinesisSchemaVersion", "data",
            "sequenceNumber", "approximateArrivalTimestamp", "eventID", "dynamodb", "Keys", "NewImage", "OldImage",
            "SizeBytes", "ApproximateCreationDateTime", "eventName", "userIdentity", "body", "messageId", "attributes",
            "messageAttributes", "dataType", "binaryValue", "stringValue", "Value", "kit", "raw", "ingestedAt",
            "keys", "newImage", "S", "N", "B", "M", "L", "SS", "NS", "BS", "BOOL", "NULL"};
    private static final String[] VALUES = {"Notification", "s3:TestEvent", "aws:s3", "aws:kinesis", "aws:dynamodb",
            "aws:sqs", "0", "1.0", "pipes/1", "pipes/2", "INSERT", "MODIFY", "REMOVE", "String", "Binary", "AQID", "AQ==",
            "not base64", "a%zz", "red+flower.jpg", "%E2%82%AC", "2026-08-07T10:00:00Z", "soon", "1545084650.987",
            "arn:aws:kinesis:us-east-1:1:stream/s", "arn:aws:sns:us-east-1:1:t", "", "{\"kit\":\"pipes/1\"}",
            "{\"Type\":\"Notification\",\"TopicArn\":\"t\",\"Message\":\"{}\"}", "\ud800", "Service", "dynamodb.amazonaws.com"};

    private final EnvelopeDecoder decoder = new EnvelopeDecoder();
    private final JsonNodeFactory nodes = JsonNodeFactory.instance;

    @Test
    void everyInputYieldsAnEnvelopeAndNothingEscapes() {
        Random random = new Random(SEED);
        List<String> corpus = Fixtures.ALL.stream().map(Fixtures::body).toList();
        Map<EnvelopeKind, Integer> kinds = new EnumMap<>(EnvelopeKind.class);
        for (int i = 0; i < INPUTS; i++) {
            String body = switch (random.nextInt(10)) {
                case 0, 1, 2 -> mutateText(corpus.get(random.nextInt(corpus.size())), random);
                case 3, 4, 5, 6 -> mutateTree(corpus.get(random.nextInt(corpus.size())), random);
                case 7, 8 -> randomObject(random, 0).toString();
                default -> randomText(random);
            };
            QueueMessage message = Fixtures.message("fuzz-" + i, body);
            try {
                Envelope envelope = decoder.decode(message);
                assertThat(envelope).isNotNull();
                assertThat(envelope.queueMessage()).isSameAs(message);
                assertThat(envelope.summary()).isNotBlank();
                if (envelope instanceof DecodeFailure failure) {
                    assertThat(failure.reason()).isNotBlank();
                    assertThat(failure.toException().getMessage()).contains("fuzz-" + i);
                    assertThat(failure.cause()).as("decoder bug: %s", failure.reason()).isNull();
                }
                exercise(envelope, 0);
                kinds.merge(envelope.kind(), 1, Integer::sum);
            } catch (Throwable t) {
                fail("input #" + i + " (seed " + SEED + ") threw " + t + "\nbody: "
                        + (body == null ? null : body.substring(0, Math.min(400, body.length()))), t);
            }
        }
        // the corpus and vocabulary reach every kind, including failures
        assertThat(kinds.keySet()).containsExactlyInAnyOrder(EnvelopeKind.values());
        assertThat(kinds.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(INPUTS);
    }

    /** Calls every accessor that decodes lazily; only PayloadException may come out. */
    private void exercise(Envelope envelope, int depth) {
        switch (envelope) {
            case PipesKinesisRecord k -> {
                k.streamName();
                k.shardId();
                payload(k.data());
                quietly(k::toKinesisEventRecord);
            }
            case PipesDynamoDbRecord d -> {
                d.tableName();
                d.isTtlDelete();
                quietly(d::keys);
                quietly(d::newImage);
                quietly(d::oldImage);
                quietly(d::sizeBytes);
                quietly(d::toStreamRecord);
            }
            case PipesSqsRecord s -> {
                s.queueName();
                payload(s.body());
                quietly(s::toSqsMessage);
                nested(s.inner(), depth);
            }
            case EventBridgeEvent e -> {
                payload(e.detail());
                quietly(e::s3ObjectKey);
                quietly(e::toScheduledEvent);
            }
            case SnsNotification n -> {
                n.topicName();
                n.isFifo();
                payload(n.message());
                quietly(n::toSns);
                nested(n.inner(), depth);
            }
            case S3Notification s3 -> {
                s3.keys();
                quietly(s3::toS3EventNotification);
            }
            case KitEnvelope k -> {
                payload(k.data());
                quietly(k::keys);
                quietly(k::newImage);
                quietly(k::oldImage);
            }
            case RawMessage r -> payload(r.body());
            case S3TestEvent t -> assertThat(t.kind()).isEqualTo(EnvelopeKind.S3_TEST);
            case DecodeFailure f -> assertThat(f.kind()).isEqualTo(EnvelopeKind.DECODE_FAILURE);
        }
    }

    private void nested(Envelope inner, int depth) {
        assertThat(inner).isNotNull();
        assertThat(depth).isLessThan(EnvelopeDecoder.MAX_NESTING);
        exercise(inner, depth + 1);
    }

    private static void payload(Payload payload) {
        payload.size();
        payload.text();
        if (payload.isJson()) {
            payload.json();
        }
        quietly(() -> payload.as(Map.class));
    }

    private static void quietly(Runnable accessor) {
        try {
            accessor.run();
        } catch (PayloadException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    private static String mutateText(String body, Random random) {
        StringBuilder text = new StringBuilder(body);
        int edits = 1 + random.nextInt(4);
        for (int e = 0; e < edits && !text.isEmpty(); e++) {
            int at = random.nextInt(text.length());
            switch (random.nextInt(6)) {
                case 0 -> text.setCharAt(at, (char) random.nextInt(0x10000));
                case 1 -> text.delete(at, Math.min(text.length(), at + 1 + random.nextInt(20)));
                case 2 -> text.insert(at, "\"{}[],:\\".charAt(random.nextInt(8)));
                case 3 -> text.setLength(at);
                case 4 -> text.insert(at, text.substring(at, Math.min(text.length(), at + random.nextInt(40))));
                default -> text.setCharAt(at, (char) (text.charAt(at) ^ (1 << random.nextInt(7))));
            }
        }
        return text.toString();
    }

    private String mutateTree(String body, Random random) {
        JsonNode root;
        try {
            root = Jackson.MAPPER.readTree(body);
        } catch (Exception e) {
            return mutateText(body, random);
        }
        if (!root.isObject()) {
            return mutateText(body, random);
        }
        int edits = 1 + random.nextInt(3);
        for (int e = 0; e < edits; e++) {
            List<ObjectNode> objects = new ArrayList<>();
            collectObjects(root, objects);
            ObjectNode target = objects.get(random.nextInt(objects.size()));
            List<String> names = new ArrayList<>();
            target.fieldNames().forEachRemaining(names::add);
            String name = names.isEmpty() || random.nextInt(4) == 0 ? KEYS[random.nextInt(KEYS.length)]
                    : names.get(random.nextInt(names.size()));
            switch (random.nextInt(4)) {
                case 0 -> target.remove(name);
                case 1 -> target.set(name, randomValue(random, 2));
                case 2 -> target.put(name, VALUES[random.nextInt(VALUES.length)]);
                default -> target.set(name, target.deepCopy());
            }
        }
        return root.toString();
    }

    private static void collectObjects(JsonNode node, List<ObjectNode> into) {
        if (node instanceof ObjectNode object) {
            into.add(object);
        }
        for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
            collectObjects(it.next(), into);
        }
    }

    private ObjectNode randomObject(Random random, int depth) {
        ObjectNode object = nodes.objectNode();
        int fields = random.nextInt(6);
        for (int f = 0; f < fields; f++) {
            object.set(KEYS[random.nextInt(KEYS.length)], randomValue(random, depth + 1));
        }
        return object;
    }

    private JsonNode randomValue(Random random, int depth) {
        int choice = random.nextInt(depth > 3 ? 6 : 9);
        return switch (choice) {
            case 0 -> nodes.nullNode();
            case 1 -> nodes.booleanNode(random.nextBoolean());
            case 2 -> nodes.numberNode(random.nextLong());
            case 3 -> nodes.numberNode(random.nextDouble() * 1e12);
            case 4, 5 -> nodes.textNode(VALUES[random.nextInt(VALUES.length)]);
            case 6, 7 -> randomObject(random, depth);
            default -> {
                ArrayNode array = nodes.arrayNode();
                int items = random.nextInt(3);
                for (int i = 0; i < items; i++) {
                    array.add(random.nextBoolean() ? randomObject(random, depth + 1) : randomValue(random, depth + 1));
                }
                yield array;
            }
        };
    }

    private static String randomText(Random random) {
        int length = random.nextInt(200);
        StringBuilder text = new StringBuilder(length);
        if (random.nextBoolean()) {
            text.append('{');
        }
        for (int i = 0; i < length; i++) {
            text.append(random.nextInt(4) == 0 ? (char) random.nextInt(0x10000) : (char) (0x20 + random.nextInt(0x5f)));
        }
        return text.toString();
    }
}
