package io.pipekit.worker.sqsd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pipekit.worker.MessageAttribute;
import io.pipekit.worker.QueueMessage;
import io.pipekit.worker.envelope.EnvelopeDecodeException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Request building for every envelope kind, without a network: what the app would receive. */
class ForwardRequestsTest {

    private static final URI APP = URI.create("http://localhost:8080/");
    private static final ForwardRequests RAW = new ForwardRequests(SqsdConfig.defaults(APP));
    private static final ForwardRequests DECODED = new ForwardRequests(SqsdConfig.defaults(APP).withBodyMode(BodyMode.DECODED));
    private static final ObjectMapper JSON = new ObjectMapper();

    private static QueueMessage message(String body, Map<String, MessageAttribute> attributes) {
        return new QueueMessage("http://localhost:9324/000000000000/orders-queue", "m-1", "rh-1", body,
                Map.of("ApproximateReceiveCount", "3", "ApproximateFirstReceiveTimestamp", "1763900000123"), attributes,
                Instant.parse("2026-11-23T12:00:00Z"));
    }

    private static String fixture(String name) {
        try (InputStream in = ForwardRequestsTest.class.getResourceAsStream("/envelopes/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String text(Forward forward) {
        return new String(forward.body(), StandardCharsets.UTF_8);
    }

    @Test
    void rawHeadersInOrderAndValues() {
        Forward forward = RAW.build(message("plain text", Map.of(
                "zeta", MessageAttribute.ofString("last"),
                "alpha", new MessageAttribute("Number.float", "1.5", null))));
        assertThat(forward.target()).isEqualTo(APP);
        assertThat(forward.headers()).containsExactly(
                Map.entry("User-Agent", "aws-sqsd/1.1"),
                Map.entry("X-Aws-Sqsd-Msgid", "m-1"),
                Map.entry("X-Aws-Sqsd-Queue", "orders-queue"),
                Map.entry("X-Aws-Sqsd-First-Received-At", "2025-11-23T12:13:20.123Z"),
                Map.entry("X-Aws-Sqsd-Receive-Count", "3"),
                Map.entry("X-Aws-Sqsd-Attr-alpha", "1.5"),
                Map.entry("X-Aws-Sqsd-Attr-zeta", "last"),
                Map.entry("Content-Type", "application/json"));
        assertThat(text(forward)).isEqualTo("plain text");
    }

    @Test
    void attributesAHeaderCannotCarryAreLeftOutAndTheRestIsSent() {
        Forward forward = RAW.build(message("x", Map.of(
                "injected", MessageAttribute.ofString("a\r\nX-Evil: 1"),
                "wide", MessageAttribute.ofString("日本"),
                "latin", MessageAttribute.ofString("café"),
                "blob", new MessageAttribute("Binary", null, java.nio.ByteBuffer.wrap(new byte[] {1})))));
        assertThat(forward.headers()).containsEntry("X-Aws-Sqsd-Attr-latin", "café")
                .doesNotContainKeys("X-Aws-Sqsd-Attr-injected", "X-Aws-Sqsd-Attr-wide", "X-Aws-Sqsd-Attr-blob", "X-Evil");
    }

    @Test
    void decodedDynamoDbRecordIsItsStreamRecord() throws Exception {
        Forward forward = DECODED.build(message(fixture("pipes-dynamodb-insert.json"), Map.of()));
        assertThat(JSON.readTree(forward.body())).isEqualTo(JSON.readTree(fixture("pipes-dynamodb-insert.json")).get("dynamodb"));
        assertThat(forward.headers()).containsEntry("Content-Type", "application/json")
                .containsEntry("X-Pipekit-Kind", "pipes-dynamodb")
                .containsEntry("X-Pipekit-Event-Name", "INSERT")
                .containsEntry("X-Pipekit-Event-Id", "1")
                .containsEntry("X-Pipekit-Sequence-Number", "111")
                .containsEntry("X-Pipekit-Source-Arn", "arn:aws:dynamodb:us-east-1:111122223333:table/EventSourceTable/stream/2024-01-01T00:00:00.000");
    }

    @Test
    void decodedKitEnvelopeIsItsData() {
        Forward forward = DECODED.build(message(fixture("kit-kinesis.json"), Map.of()));
        assertThat(text(forward)).isEqualTo("{\"type\":\"order.created\",\"id\":\"42\"}");
        assertThat(forward.headers()).containsEntry("X-Pipekit-Kind", "kit").containsEntry("X-Pipekit-Pipe", "orders-to-worker")
                .containsEntry("X-Pipekit-Partition-Key", "order-42").containsEntry("X-Pipekit-Ingested-At", "2026-08-07T10:00:00.123Z");
    }

    @Test
    void decodedSnsTextMessageIsPlainText() {
        Forward forward = DECODED.build(message(fixture("sns-standard.json"), Map.of()));
        assertThat(text(forward)).isEqualTo("This is a test message.");
        assertThat(forward.headers()).containsEntry("Content-Type", "text/plain; charset=utf-8")
                .containsEntry("X-Pipekit-Kind", "raw").containsEntry("X-Pipekit-Via", "sns")
                .containsEntry("X-Pipekit-Sns-Topic-Arn", "arn:aws:sns:us-east-2:111122223333:ExampleTopic1")
                .containsEntry("X-Pipekit-Sns-Subject", "TestSubject")
                .containsEntry("X-Pipekit-Sns-Attr-event", "order_placed")
                .doesNotContainKey("X-Pipekit-Sns-Attr-blob");
    }

    @Test
    void decodedPipedSqsMessageIsItsBody() {
        Forward forward = DECODED.build(message(fixture("pipes-sqs-standard.json"), Map.of()));
        assertThat(text(forward)).isEqualTo("Test message.");
        assertThat(forward.headers()).containsEntry("X-Pipekit-Via", "pipes-sqs")
                .containsEntry("X-Pipekit-Sqs-Message-Id", "059f36b4-87a3-44ab-83d2-661975830a7d")
                .containsEntry("X-Pipekit-Sqs-Source-Arn", "arn:aws:sqs:us-east-2:123456789012:my-queue");
    }

    @Test
    void decodedS3NotificationIsTheNotification() throws Exception {
        Forward forward = DECODED.build(message(fixture("s3-put.json"), Map.of()));
        assertThat(JSON.readTree(forward.body())).isEqualTo(JSON.readTree(fixture("s3-put.json")));
        assertThat(forward.headers()).containsEntry("X-Pipekit-Kind", "s3").containsEntry("X-Pipekit-Bucket", "amzn-s3-demo-bucket")
                .containsEntry("X-Pipekit-Event-Name", "ObjectCreated:Put").containsEntry("X-Pipekit-Record-Count", "1");
    }

    @Test
    void aPlainBodyInDecodedModeKeepsTheConfiguredType() {
        Forward forward = DECODED.build(message("<order id=\"1\"/>", Map.of()));
        assertThat(text(forward)).isEqualTo("<order id=\"1\"/>");
        assertThat(forward.headers()).containsEntry("Content-Type", "application/json").containsEntry("X-Pipekit-Kind", "raw");
    }

    @Test
    void aMalformedEnvelopeIsNotForwardedInDecodedMode() {
        // claims to be a Pipes Kinesis record but its data is not base64
        String broken = fixture("pipes-kinesis-json.json").replace("eyJ0eXBlIjoib3JkZXIuY3JlYXRlZCIsImlkIjoiNDIifQ==", "%%%not-base64%%%");
        assertThatThrownBy(() -> DECODED.build(message(broken, Map.of()))).isInstanceOf(EnvelopeDecodeException.class);
        assertThat(text(RAW.build(message(broken, Map.of())))).isEqualTo(broken); // raw mode passes any body through
    }
}
