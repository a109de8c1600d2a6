package io.pipekit.worker.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pipekit.local.EmbeddedSqs;
import io.pipekit.worker.MessageAttribute;
import io.pipekit.worker.QueueMessage;
import io.pipekit.worker.envelope.EnvelopeDecodeException;
import io.pipekit.worker.envelope.EventBridgeEvent;
import io.pipekit.worker.envelope.Fixtures;
import io.pipekit.worker.envelope.PipesKinesisRecord;
import io.pipekit.worker.envelope.RawMessage;
import io.pipekit.worker.envelope.S3Notification;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Fixture bodies sent through a real SQS protocol server (ElasticMQ) with the SDK, received, routed,
 * and deleted only when the router returned normally: the bodies survive SQS byte for byte, every
 * kind reaches its route, and the malformed one stays on the queue to be redelivered.
 */
class RouterSqsRoundTripTest {

    private static EmbeddedSqs sqs;
    private static SqsClient client;

    @BeforeAll
    static void start() {
        sqs = EmbeddedSqs.start();
        client = sqs.newClient();
    }

    @AfterAll
    static void stop() {
        client.close();
        sqs.close();
    }

    @Test
    void routedMessagesAreDeletedAndTheMalformedOneIsRedelivered() {
        String queueUrl = sqs.createQueue("envelopes-roundtrip", Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "1"));
        List<String> bodies = List.of("pipes-kinesis-json.json", "sns-eventbridge.json", "s3-encoded-keys.json",
                "s3-test-event.json", "raw-text.txt");
        for (String name : bodies) {
            client.sendMessage(b -> b.queueUrl(queueUrl).messageBody(Fixtures.body(name)));
        }
        // raw SNS delivery: the body is the bare message and SNS attributes arrive as SQS attributes (§3)
        client.sendMessage(b -> b.queueUrl(queueUrl).messageBody("{\"orderId\":\"7\"}")
                .messageAttributes(Map.of("event", MessageAttributeValue.builder().dataType("String").stringValue("order_placed").build())));
        client.sendMessage(b -> b.queueUrl(queueUrl).messageBody("{\"eventSource\":\"aws:kinesis\",\"kinesisSchemaVersion\":\"1.0\",\"data\":\"!!\",\"sequenceNumber\":\"1\"}"));

        List<String> handled = new CopyOnWriteArrayList<>();
        List<String> failures = new CopyOnWriteArrayList<>();
        Router router = Router.builder()
                .onKinesisStream("orders", (PipesKinesisRecord r) -> handled.add("order " + r.data().json().get("id").asText()))
                .onEvent("aws.s3", "Object Created", (EventBridgeEvent e) -> handled.add("s3 via sns " + e.s3ObjectKey()))
                .on(S3Notification.class, s3 -> handled.add("s3 " + s3.keys()))
                .on(RawMessage.class, raw -> handled.add("raw " + raw.body().text() + " "
                        + raw.queueMessage().messageAttributes().getOrDefault("event", MessageAttribute.ofString("-")).stringValue()))
                .build();

        await().atMost(Duration.ofSeconds(20)).until(() -> {
            for (Message m : client.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1)
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL).messageAttributeNames("All")).messages()) {
                try {
                    router.handle(toQueueMessage(queueUrl, m));
                    client.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
                } catch (EnvelopeDecodeException e) {
                    failures.add(e.getMessage().replace(m.messageId(), "<id>") + " #" + m.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT));
                }
            }
            return failures.size() >= 2;
        });

        assertThat(handled).containsExactlyInAnyOrder("order 42", "s3 via sns photos/red flower.jpg",
                "s3 [reports/2026 Q3/a+b été.csv, tmp/old file.txt]", "raw order 42 shipped -", "raw {\"orderId\":\"7\"} order_placed");
        assertThat(failures).containsExactly(
                "message <id>: cannot decode PIPES_KINESIS envelope: record.data is not base64 #1",
                "message <id>: cannot decode PIPES_KINESIS envelope: record.data is not base64 #2");
        Map<String, String> counts = client.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                .attributesAsStrings();
        int remaining = Integer.parseInt(counts.get("ApproximateNumberOfMessages"))
                + Integer.parseInt(counts.get("ApproximateNumberOfMessagesNotVisible"));
        assertThat(remaining).as("only the malformed message is left").isEqualTo(1);
    }

    /** What the engine's source does; kept minimal here because that package is not this test's subject. */
    private static QueueMessage toQueueMessage(String queueUrl, Message m) {
        Map<String, MessageAttribute> attributes = new HashMap<>();
        m.messageAttributes().forEach((name, v) -> attributes.put(name, new MessageAttribute(v.dataType(), v.stringValue(),
                v.binaryValue() == null ? null : v.binaryValue().asByteBuffer())));
        return new QueueMessage(queueUrl, m.messageId(), m.receiptHandle(), m.body(), m.attributesAsStrings(), attributes, Instant.now());
    }
}
