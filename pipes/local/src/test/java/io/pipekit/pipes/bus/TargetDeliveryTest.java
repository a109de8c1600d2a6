package io.pipekit.pipes.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pipekit.local.EmbeddedSqs;
import io.pipekit.local.LocalCloud;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.GetQueueUrlRequest;
import software.amazon.awssdk.services.sqs.model.GetQueueUrlResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;

/**
 * How rule targets fail (docs/aws-behaviour.md §2.4): what retrying cannot fix goes straight to the
 * DLQ, the rest is retried per the target's RetryPolicy without holding up later events, and the DLQ
 * message is the original event with AWS's attributes. The bus delivers to ElasticMQ through an
 * {@link SqsClient} that passes every call to the real server except the entries a test marks to
 * fail with a server-side error, which ElasticMQ cannot produce on demand.
 */
class TargetDeliveryTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static LocalCloud cloud;
    private static SqsClient sqs;
    private static FlakySqs flaky;
    private static MovableClock clock;
    private static LocalEventBus bus;
    private static EventBridgeApiServer api;
    private static EventBridgeClient events;

    @BeforeAll
    static void start() {
        cloud = LocalCloud.builder().withSqs().start();
        sqs = cloud.sqsClient();
        flaky = new FlakySqs(cloud.sqs().newClient());
        clock = new MovableClock();
        bus = LocalEventBus.builder().sqs(flaky).clock(clock).retryBackoff(Duration.ofMillis(5), Duration.ofMillis(20)).build();
        api = EventBridgeApiServer.start(bus);
        events = EventBridgeClient.builder().endpointOverride(api.endpoint()).region(EmbeddedSqs.REGION)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"))).httpClientBuilder(ApacheHttpClient.builder()).build();
    }

    @AfterAll
    static void stop() {
        events.close();
        api.close();
        bus.close();
        flaky.close();
        sqs.close();
        cloud.close();
    }

    @Test
    void aMissingTargetQueueSendsTheOriginalEventToTheDlqWithoutRetrying() throws Exception {
        String dlq = cloud.sqs().createQueue("td-missing-dlq", Map.of());
        events.putRule(b -> b.name("to-nowhere").eventPattern("{\"source\":[\"nowhere\"]}"));
        // the default RetryPolicy (185 attempts, 24 h) would take hours if this error were retried
        events.putTargets(b -> b.rule("to-nowhere").targets(t -> t.id("gone").arn(EmbeddedSqs.queueArn("td-no-such-queue"))
                .inputTransformer(x -> x.inputPathsMap(Map.of("n", "$.detail.n")).inputTemplate("{\"n\":<n>}"))
                .deadLetterConfig(d -> d.arn(EmbeddedSqs.queueArn("td-missing-dlq")))));
        String id = events.putEvents(b -> b.entries(entry("nowhere", "{\"n\":7}"))).entries().getFirst().eventId();

        Message dead = receiveOne(dlq);
        JsonNode body = JSON.readTree(dead.body());
        assertThat(body.get("id").asText()).as("the original event, not the transformed input").isEqualTo(id);
        assertThat(body.get("detail")).isEqualTo(JSON.readTree("{\"n\":7}"));
        assertThat(attributes(dead)).containsEntry("RULE_ARN", "arn:aws:events:us-east-1:000000000000:rule/to-nowhere")
                .containsEntry("TARGET_ARN", EmbeddedSqs.queueArn("td-no-such-queue"))
                .containsEntry("ERROR_CODE", "NO_RESOURCE")
                .containsEntry("RETRY_ATTEMPTS", "0")
                .containsKey("ERROR_MESSAGE")
                .doesNotContainKey("EXHAUSTED_RETRY_CONDITION");
    }

    @Test
    void aFailingEventIsRetriedWithoutHoldingUpLaterEventsAndEndsAtMaximumEventAge() throws Exception {
        String queue = cloud.sqs().createQueue("td-shared", Map.of());
        String dlq = cloud.sqs().createQueue("td-shared-dlq", Map.of());
        events.putRule(b -> b.name("shared").eventPattern("{\"source\":[\"shared\"]}"));
        events.putTargets(b -> b.rule("shared").targets(t -> t.id("q").arn(EmbeddedSqs.queueArn("td-shared"))
                .retryPolicy(r -> r.maximumRetryAttempts(185).maximumEventAgeInSeconds(3600))
                .deadLetterConfig(d -> d.arn(EmbeddedSqs.queueArn("td-shared-dlq")))));
        AtomicInteger attempts = flaky.failEntriesContaining("hold-me");

        events.putEvents(b -> b.entries(entry("shared", "{\"k\":\"hold-me\"}")));
        await().atMost(Duration.ofSeconds(10)).until(() -> attempts.get() >= 2);
        events.putEvents(b -> b.entries(entry("shared", "{\"k\":\"fine\"}")));

        // the later event arrives while the first one is still being retried (185 retries are far from spent)
        assertThat(JSON.readTree(receiveOne(queue).body()).path("detail").path("k").asText()).isEqualTo("fine");
        assertThat(sqs.receiveMessage(b -> b.queueUrl(dlq)).messages()).isEmpty();
        assertThat(attempts.get()).isLessThan(186);

        clock.advance(Duration.ofSeconds(3601));
        Message dead = receiveOne(dlq);
        assertThat(JSON.readTree(dead.body()).path("detail").path("k").asText()).isEqualTo("hold-me");
        assertThat(attributes(dead)).containsEntry("ERROR_CODE", "ERROR_FROM_TARGET")
                .containsEntry("EXHAUSTED_RETRY_CONDITION", "MaximumEventAgeInSeconds")
                .containsEntry("TARGET_ARN", EmbeddedSqs.queueArn("td-shared"));
        assertThat(Integer.parseInt(attributes(dead).get("RETRY_ATTEMPTS"))).isEqualTo(attempts.get() - 1);
        assertThat(attributes(dead).get("ERROR_MESSAGE")).contains("InternalError");
    }

    @Test
    void retriesStopAtMaximumRetryAttempts() throws Exception {
        String dlq = cloud.sqs().createQueue("td-count-dlq", Map.of());
        cloud.sqs().createQueue("td-count", Map.of());
        events.putRule(b -> b.name("counted").eventPattern("{\"source\":[\"counted\"]}"));
        events.putTargets(b -> b.rule("counted").targets(t -> t.id("q").arn(EmbeddedSqs.queueArn("td-count"))
                .retryPolicy(r -> r.maximumRetryAttempts(3).maximumEventAgeInSeconds(86400))
                .deadLetterConfig(d -> d.arn(EmbeddedSqs.queueArn("td-count-dlq")))));
        AtomicInteger attempts = flaky.failEntriesContaining("three-strikes");

        events.putEvents(b -> b.entries(entry("counted", "{\"k\":\"three-strikes\"}")));

        Message dead = receiveOne(dlq);
        assertThat(attempts.get()).as("the first try and three retries").isEqualTo(4);
        assertThat(attributes(dead)).containsEntry("EXHAUSTED_RETRY_CONDITION", "MaximumRetryAttempts")
                .containsEntry("RETRY_ATTEMPTS", "3")
                .containsEntry("RULE_ARN", "arn:aws:events:us-east-1:000000000000:rule/counted");
    }

    private static PutEventsRequestEntry entry(String source, String detail) {
        return PutEventsRequestEntry.builder().source(source).detailType("T").detail(detail).build();
    }

    private static Map<String, String> attributes(Message message) {
        Map<String, String> out = new java.util.TreeMap<>();
        message.messageAttributes().forEach((k, v) -> out.put(k, v.stringValue()));
        return out;
    }

    private static Message receiveOne(String queueUrl) {
        List<Message> received = new ArrayList<>();
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            received.addAll(sqs.receiveMessage(b -> b.queueUrl(queueUrl).waitTimeSeconds(1).messageAttributeNames("All")).messages());
            return !received.isEmpty();
        });
        received.forEach(m -> sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle())));
        assertThat(received).hasSize(1);
        return received.getFirst();
    }

    /** Passes calls to ElasticMQ; entries whose body contains a marked text fail as a server error would. */
    private static final class FlakySqs implements SqsClient {
        private final SqsClient real;
        private final Map<String, AtomicInteger> failing = new ConcurrentHashMap<>();

        FlakySqs(SqsClient real) {
            this.real = real;
        }

        AtomicInteger failEntriesContaining(String marker) {
            return failing.computeIfAbsent(marker, m -> new AtomicInteger());
        }

        @Override
        public SendMessageBatchResponse sendMessageBatch(SendMessageBatchRequest request) {
            List<SendMessageBatchRequestEntry> pass = new ArrayList<>();
            List<BatchResultErrorEntry> failed = new ArrayList<>();
            for (SendMessageBatchRequestEntry entry : request.entries()) {
                AtomicInteger counter = failing.entrySet().stream().filter(e -> entry.messageBody().contains(e.getKey()))
                        .map(Map.Entry::getValue).findFirst().orElse(null);
                if (counter == null) {
                    pass.add(entry);
                } else {
                    counter.incrementAndGet();
                    failed.add(BatchResultErrorEntry.builder().id(entry.id()).code("InternalError").message("scripted").senderFault(false).build());
                }
            }
            SendMessageBatchResponse response = pass.isEmpty() ? SendMessageBatchResponse.builder().build()
                    : real.sendMessageBatch(request.toBuilder().entries(pass).build());
            List<BatchResultErrorEntry> allFailed = new ArrayList<>(response.failed());
            allFailed.addAll(failed);
            return response.toBuilder().failed(allFailed).build();
        }

        @Override
        public SendMessageBatchResponse sendMessageBatch(Consumer<SendMessageBatchRequest.Builder> request) {
            return sendMessageBatch(SendMessageBatchRequest.builder().applyMutation(request).build());
        }

        @Override
        public SendMessageResponse sendMessage(SendMessageRequest request) {
            return real.sendMessage(request);
        }

        @Override
        public SendMessageResponse sendMessage(Consumer<SendMessageRequest.Builder> request) {
            return real.sendMessage(request);
        }

        @Override
        public GetQueueUrlResponse getQueueUrl(GetQueueUrlRequest request) {
            return real.getQueueUrl(request);
        }

        @Override
        public GetQueueUrlResponse getQueueUrl(Consumer<GetQueueUrlRequest.Builder> request) {
            return real.getQueueUrl(request);
        }

        @Override
        public String serviceName() {
            return real.serviceName();
        }

        @Override
        public void close() {
            real.close();
        }
    }

    /** The system clock plus an offset a test can move forward. */
    private static final class MovableClock extends Clock {
        private final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);

        void advance(Duration by) {
            offset.updateAndGet(d -> d.plus(by));
        }

        @Override
        public Instant instant() {
            return Instant.now().plus(offset.get());
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
