package io.pipekit.producers.internal.targets;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pipekit.local.EmbeddedSqs;
import io.pipekit.producers.KeySpace;
import io.pipekit.producers.Producer;
import io.pipekit.producers.RunSummary;
import io.pipekit.producers.SampleEvent;
import io.pipekit.producers.Scenario;
import io.pipekit.producers.Targets;
import io.pipekit.producers.TrafficPlan;
import io.pipekit.producers.testing.QueueReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** SQS and SNS-enveloped targets against ElasticMQ: exact delivery, schema, FIFO groups, repeatability. */
class SqsAndSnsTargetTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static EmbeddedSqs server;
    private static SqsClient sqs;

    @BeforeAll
    static void start() {
        server = EmbeddedSqs.start();
        sqs = server.newClient();
    }

    @AfterAll
    static void stop() {
        sqs.close();
        server.close();
    }

    @Test
    void deliversExactlyCountEventsInBatchesOfAtMostTen() {
        String url = server.createQueue("orders-exact", Map.of());
        TrafficPlan plan = TrafficPlan.of(Scenario.ORDERS).withCount(253).withRunId("sqs-exact");

        RunSummary s = Producer.run(plan, Targets.sqs(sqs, url));

        assertThat(s.sent()).isEqualTo(253);
        assertThat(s.failed()).isZero();
        assertThat(s.allDelivered()).isTrue();
        assertThat(s.calls()).as("<=10 entries per SendMessageBatch").isGreaterThanOrEqualTo(26);
        List<Message> messages = QueueReader.drain(sqs, url, 253);
        List<SampleEvent> events = messages.stream().map(m -> SampleEvent.parse(m.body())).toList();
        assertThat(events).hasSize(253);
        assertThat(events).extracting(SampleEvent::seq).containsExactlyInAnyOrderElementsOf(LongStream.range(0, 253).boxed().toList());
        assertThat(events).extracting(SampleEvent::eventId).doesNotHaveDuplicates();
        assertThat(events).extracting(SampleEvent::runId).containsOnly("sqs-exact");
        assertThat(messages).allSatisfy(m -> assertThat(m.messageAttributes().get("eventType").stringValue())
                .isEqualTo(SampleEvent.parse(m.body()).type()));
    }

    @Test
    void rateLimitedRunWithPaddedPayloadsDeliversEverything() {
        String url = server.createQueue("clicks-paced", Map.of());
        TrafficPlan plan = TrafficPlan.of(Scenario.CLICKSTREAM).withCount(60).withRate(300).withPayloadSize(4096);

        RunSummary s = Producer.run(plan, Targets.sqs(sqs, url));

        assertThat(s.sent()).isEqualTo(60);
        assertThat(QueueReader.drain(sqs, url, 60)).hasSize(60).allSatisfy(m -> assertThat(m.body()).hasSize(4096));
    }

    @Test
    void fifoQueueGetsThePartitionKeyAsMessageGroup() {
        String url = server.createQueue("iot.fifo", Map.of(QueueAttributeName.FIFO_QUEUE, "true"));
        TrafficPlan plan = TrafficPlan.of(Scenario.IOT).withCount(80).withKeys(KeySpace.uniform(4)).withConcurrency(1);

        assertThat(Producer.run(plan, Targets.sqs(sqs, url)).sent()).isEqualTo(80);

        List<Message> messages = QueueReader.drain(sqs, url, 80);
        assertThat(messages).hasSize(80).allSatisfy(m -> assertThat(m.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID))
                .isEqualTo(SampleEvent.parse(m.body()).key()));
    }

    @Test
    void snsEnvelopeHasTheExactNotificationShapeWithTheEventDoubleEncoded() throws Exception {
        String url = server.createQueue("sns-subscriber", Map.of());
        String topic = "arn:aws:sns:us-east-1:000000000000:orders-topic";
        TrafficPlan plan = TrafficPlan.of(Scenario.ORDERS).withCount(35);

        RunSummary s = Producer.run(plan, Targets.snsEnvelopesToSqs(sqs, url, topic));

        assertThat(s.sent()).isEqualTo(35);
        List<Message> messages = QueueReader.drain(sqs, url, 35);
        assertThat(messages).hasSize(35);
        List<Long> seqs = new ArrayList<>();
        for (Message m : messages) {
            JsonNode n = JSON.readTree(m.body());
            List<String> fields = new ArrayList<>();
            n.fieldNames().forEachRemaining(fields::add);
            // docs/aws-behaviour.md §3: raw delivery off, no Subject
            assertThat(fields).containsExactly("Type", "MessageId", "TopicArn", "Message", "Timestamp", "SignatureVersion",
                    "Signature", "SigningCertURL", "UnsubscribeURL", "MessageAttributes");
            assertThat(n.get("Type").asText()).isEqualTo("Notification");
            assertThat(n.get("TopicArn").asText()).isEqualTo(topic);
            assertThat(n.get("Message").isTextual()).as("Message is a string holding JSON").isTrue();
            SampleEvent e = SampleEvent.parse(n.get("Message").asText());
            seqs.add(e.seq());
            assertThat(n.get("Timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
            assertThat(n.get("SignatureVersion").asText()).isEqualTo("1");
            assertThat(n.get("SigningCertURL").asText()).startsWith("https://sns.us-east-1.amazonaws.com/");
            assertThat(n.get("UnsubscribeURL").asText()).contains("Action=Unsubscribe&SubscriptionArn=" + topic + ":");
            assertThat(n.at("/MessageAttributes/eventType/Type").asText()).isEqualTo("String");
            assertThat(n.at("/MessageAttributes/eventType/Value").asText()).isEqualTo(e.type());
            assertThat(m.messageAttributes()).as("SNS without raw delivery sets no SQS attributes").isEmpty();
        }
        assertThat(seqs).containsExactlyInAnyOrderElementsOf(LongStream.range(0, 35).boxed().toList());
    }

    @Test
    void sameSeedDeliversTheSameEvents() {
        String first = server.createQueue("repeat-1", Map.of());
        String second = server.createQueue("repeat-2", Map.of());
        TrafficPlan plan = TrafficPlan.of(Scenario.ORDERS).withCount(40).withSeed(7);

        Producer.run(plan.withRunId("one"), Targets.sqs(sqs, first));
        Producer.run(plan.withRunId("two"), Targets.sqs(sqs, second));

        assertThat(repeatable(QueueReader.drain(sqs, first, 40)))
                .containsExactlyInAnyOrderElementsOf(repeatable(QueueReader.drain(sqs, second, 40)));
    }

    private static List<String> repeatable(List<Message> messages) {
        return messages.stream().map(m -> SampleEvent.parse(m.body()).repeatableForm()).toList();
    }
}
