package io.pipekit.worker.envelope;

import io.pipekit.worker.QueueMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Bodies from {@code src/test/resources/envelopes}, wrapped as the worker would receive them. */
public final class Fixtures {

    /** Every fixture file, for the fuzz test's corpus and the benchmark. */
    public static final List<String> ALL = List.of(
            "pipes-kinesis-text.json", "pipes-kinesis-json.json", "pipes-kinesis-binary.json",
            "pipes-dynamodb-insert.json", "pipes-dynamodb-modify.json", "pipes-dynamodb-remove.json",
            "pipes-dynamodb-ttl-delete.json", "pipes-sqs-standard.json", "pipes-sqs-fifo.json",
            "eventbridge-ec2.json", "eventbridge-s3-object-created.json", "eventbridge-custom-replay.json",
            "sns-standard.json", "sns-fifo.json", "sns-eventbridge.json", "sns-s3.json", "sns-s3-test-event.json",
            "s3-put.json", "s3-encoded-keys.json", "s3-test-event.json",
            "kit-kinesis.json", "kit-kinesis-raw.json", "kit-dynamodb.json",
            "raw-text.txt", "raw-json.json");

    private Fixtures() {
    }

    public static String body(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/envelopes/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static QueueMessage message(String body) {
        return message("msg-" + Integer.toHexString(body == null ? 0 : body.hashCode()), body);
    }

    public static QueueMessage message(String messageId, String body) {
        return new QueueMessage("http://localhost:9324/000000000000/worker", messageId, "rh-" + messageId, body,
                Map.of("ApproximateReceiveCount", "1"), Map.of(), Instant.parse("2026-08-07T10:00:01Z"));
    }

    public static QueueMessage fixture(String name) {
        return message("msg-" + name, body(name));
    }
}
