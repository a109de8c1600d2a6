package io.pipekit.worker.sqsd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pipekit.worker.Worker;
import io.pipekit.worker.WorkerOptions;
import io.pipekit.worker.BackoffPolicy;
import io.pipekit.worker.testing.ElasticMq;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeNameForSends;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeValue;

/** The forwarder against real ElasticMQ and a real local HTTP app: headers, bodies, and what each answer does to the queue. */
class SqsdForwarderTest {

    @RegisterExtension
    static final ElasticMq sqs = new ElasticMq();

    private RecordingApp app;

    @BeforeEach
    void startApp() throws IOException {
        app = new RecordingApp();
    }

    @AfterEach
    void stopApp() {
        app.close();
    }

    private Worker worker(String queue, SqsdConfig config, BackoffPolicy backoff) {
        return worker(queue, config, backoff, 16);
    }

    private Worker worker(String queue, SqsdConfig config, BackoffPolicy backoff, int maxConcurrency) {
        WorkerOptions options = WorkerOptions.builder(queue).waitTime(Duration.ofSeconds(1)).backoff(backoff)
                .maxConcurrency(maxConcurrency).build();
        return Worker.start(sqs.sqs(), options, new SqsdForwarder(config));
    }

    private static String fixture(String name) {
        try (InputStream in = SqsdForwarderTest.class.getResourceAsStream("/envelopes/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void rawModePostsTheBodyWithBeanstalksHeadersExactly() {
        String queue = sqs.queue("sqsd-raw");
        Instant sentAfter = Instant.now().minusSeconds(1);
        String id = sqs.sqs().sendMessage(b -> b.queueUrl(queue).messageBody("{\"job\":\"resize\",\"id\":7}")
                .messageAttributes(Map.of(
                        "color", MessageAttributeValue.builder().dataType("String").stringValue("blue").build(),
                        "count", MessageAttributeValue.builder().dataType("Number").stringValue("42").build(),
                        "blob", MessageAttributeValue.builder().dataType("Binary").binaryValue(SdkBytes.fromUtf8String("x")).build()))
                .messageSystemAttributes(Map.of(MessageSystemAttributeNameForSends.AWS_TRACE_HEADER, MessageSystemAttributeValue.builder()
                        .dataType("String").stringValue("Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1").build()))).messageId();

        try (Worker worker = worker(queue, SqsdConfig.defaults(app.url()), BackoffPolicy.immediate())) {
            await().atMost(Duration.ofSeconds(20)).until(() -> sqs.held(queue) == 0);
        }

        assertThat(app.requests()).hasSize(1);
        RecordingApp.Request request = app.requests().getFirst();
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/");
        assertThat(request.text()).isEqualTo("{\"job\":\"resize\",\"id\":7}");
        Map<String, String> sqsd = new java.util.TreeMap<>(request.headers());
        sqsd.keySet().removeIf(name -> !(name.startsWith("x-aws-sqsd-") || name.equals("x-amzn-trace-id")
                || name.equals("user-agent") || name.equals("content-type")));
        String firstReceivedAt = sqsd.get("x-aws-sqsd-first-received-at");
        assertThat(sqsd).containsExactlyInAnyOrderEntriesOf(Map.of(
                "user-agent", "aws-sqsd/1.1",
                "content-type", "application/json",
                "x-aws-sqsd-msgid", id,
                "x-aws-sqsd-queue", queue.substring(queue.lastIndexOf('/') + 1),
                "x-aws-sqsd-first-received-at", firstReceivedAt,
                "x-aws-sqsd-receive-count", "1",
                "x-aws-sqsd-attr-color", "blue",
                "x-aws-sqsd-attr-count", "42",
                "x-amzn-trace-id", "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1"));
        // ISO-8601 (EB), not epoch millis (mogadanez/sqsd)
        assertThat(Instant.parse(firstReceivedAt)).isBetween(sentAfter, Instant.now());
        assertThat(request.headers()).doesNotContainKey("x-aws-sqsd-attr-blob");
    }

    @Test
    void decodedModePostsTheEventBridgeDetailWithEnvelopeHeaders() {
        String queue = sqs.queue("sqsd-eventbridge");
        sqs.send(queue, List.of(fixture("eventbridge-ec2.json")));

        try (Worker worker = worker(queue, SqsdConfig.defaults(app.url()).withBodyMode(BodyMode.DECODED), BackoffPolicy.immediate())) {
            await().atMost(Duration.ofSeconds(20)).until(() -> sqs.held(queue) == 0);
        }

        RecordingApp.Request request = app.requests().getFirst();
        assertThat(request.text()).isEqualTo("{\"instance-id\":\"i-0123456789\",\"state\":\"RUNNING\"}");
        assertThat(request.headers()).containsAllEntriesOf(Map.of(
                "content-type", "application/json",
                "user-agent", "aws-sqsd/1.1",
                "x-pipekit-kind", "eventbridge",
                "x-pipekit-event-id", "7bf73129-1428-4cd3-a780-95db273d1602",
                "x-pipekit-source", "aws.ec2",
                "x-pipekit-detail-type", "EC2 Instance State-change Notification",
                "x-pipekit-account", "123456789012",
                "x-pipekit-region", "us-east-1",
                "x-pipekit-time", "2015-11-11T21:29:54Z",
                "x-pipekit-resources", "arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"));
        assertThat(request.headers()).containsKey("x-aws-sqsd-msgid").doesNotContainKey("x-pipekit-via");
    }

    @Test
    void decodedModePostsTheKinesisDataOfAPipesRecord() {
        String queue = sqs.queue("sqsd-kinesis");
        sqs.send(queue, List.of(fixture("pipes-kinesis-json.json"), fixture("pipes-kinesis-binary.json")));

        try (Worker worker = worker(queue, SqsdConfig.defaults(app.url()).withBodyMode(BodyMode.DECODED), BackoffPolicy.immediate())) {
            await().atMost(Duration.ofSeconds(20)).until(() -> sqs.held(queue) == 0);
        }

        RecordingApp.Request json = app.requests().stream().filter(r -> "application/json".equals(r.header("content-type"))).findFirst().orElseThrow();
        assertThat(json.text()).isEqualTo("{\"type\":\"order.created\",\"id\":\"42\"}");
        assertThat(json.headers()).containsAllEntriesOf(Map.of(
                "x-pipekit-kind", "pipes-kinesis",
                "x-pipekit-source-arn", "arn:aws:kinesis:eu-west-1:123456789012:stream/orders",
                "x-pipekit-event-id", "shardId-000000000000:49590338271490256608559692538361571095921575989136588898",
                "x-pipekit-partition-key", "order-42",
                "x-pipekit-sequence-number", "49590338271490256608559692538361571095921575989136588898",
                "x-pipekit-approximate-arrival", "2025-07-31T22:13:20.123Z",
                "x-pipekit-region", "eu-west-1"));
        RecordingApp.Request binary = app.requests().stream().filter(r -> r != json).findFirst().orElseThrow();
        assertThat(binary.header("content-type")).isEqualTo("application/octet-stream");
        assertThat(binary.body()).isEqualTo(java.util.Base64.getDecoder().decode(readData(fixture("pipes-kinesis-binary.json"))));
    }

    private static String readData(String record) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(record).get("data").asText();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void decodedModePeelsSnsAndDecodesTheWrappedEvent() {
        String queue = sqs.queue("sqsd-sns");
        sqs.send(queue, List.of(fixture("sns-eventbridge.json")));

        try (Worker worker = worker(queue, SqsdConfig.defaults(app.url()).withBodyMode(BodyMode.DECODED), BackoffPolicy.immediate())) {
            await().atMost(Duration.ofSeconds(20)).until(() -> sqs.held(queue) == 0);
        }

        RecordingApp.Request request = app.requests().getFirst();
        assertThat(request.headers()).containsEntry("x-pipekit-kind", "eventbridge").containsEntry("x-pipekit-via", "sns")
                .containsKey("x-pipekit-sns-topic-arn").containsKey("x-pipekit-sns-message-id");
        assertThat(request.header("content-type")).isEqualTo("application/json");
    }

    @Test
    void status200DeletesTheMessage() {
        String queue = sqs.queue("sqsd-200");
        sqs.send(queue, List.of("a", "b", "c"));

        try (Worker worker = worker(queue, SqsdConfig.defaults(app.url()), BackoffPolicy.immediate())) {
            await().atMost(Duration.ofSeconds(20)).until(() -> sqs.held(queue) == 0);
        }
        assertThat(app.requests()).extracting(RecordingApp.Request::text).containsExactlyInAnyOrder("a", "b", "c");
    }

    @Test
    void status429WithRetryAfterKeepsTheMessageInvisibleForThatLong() {
        String queue = sqs.queue("sqsd-429");
        sqs.send(queue, List.of("busy"));
        app.respond(r -> new RecordingApp.Response(429, Map.of("Retry-After", "600"), () -> {}));

        // the backoff would retry after 1 s; Retry-After asked for 10 minutes, so the app sees the message once
        try (Worker worker = worker(queue, SqsdConfig.defaults(app.url()), BackoffPolicy.constant(Duration.ofSeconds(1)))) {
            await().atMost(Duration.ofSeconds(20)).until(() -> app.requests().size() == 1);
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                    .until(() -> app.requests().size() == 1 && sqs.notVisible(queue) == 1);
        }
        assertThat(sqs.held(queue)).isEqualTo(1);
        assertThat(sqs.visible(queue)).isZero();
    }

    @Test
    void status500IsRetriedWithTheEnginesBackoffThenDeletedOn200() {
        String queue = sqs.queue("sqsd-500");
        sqs.send(queue, List.of("flaky"));
        app.respond(r -> RecordingApp.Response.status(r.number() < 3 ? 500 : 200));

        try (Worker worker = worker(queue, SqsdConfig.defaults(app.url()), BackoffPolicy.constant(Duration.ofSeconds(1)))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> sqs.held(queue) == 0);
        }
        assertThat(app.requests()).extracting(r -> r.header("x-aws-sqsd-receive-count")).containsExactly("1", "2", "3");
        assertThat(app.requests()).extracting(r -> r.header("x-aws-sqsd-msgid")).containsOnly(app.requests().getFirst().header("x-aws-sqsd-msgid"));
    }

    @Test
    void otherSuccessCodesAreFailuresUnlessConfigured() {
        String queue = sqs.queue("sqsd-204");
        sqs.send(queue, List.of("no-content"));
        app.respond(r -> RecordingApp.Response.status(r.number() == 1 ? 204 : 200));

        try (Worker worker = worker(queue, SqsdConfig.defaults(app.url()), BackoffPolicy.immediate())) {
            await().atMost(Duration.ofSeconds(20)).until(() -> sqs.held(queue) == 0);
        }
        // EB deletes on 200 OK only: the 204 left the message for a second delivery
        assertThat(app.requests()).hasSize(2);
    }

    @Test
    void aResponseSlowerThanTheInactivityTimeoutIsRetried() {
        String queue = sqs.queue("sqsd-timeout");
        sqs.send(queue, List.of("slow"));
        CountDownLatch release = new CountDownLatch(1);
        app.respond(r -> new RecordingApp.Response(200, Map.of(), () -> {
            if (r.number() == 1) {
                try {
                    release.await(); // the app hangs on the first delivery until the test ends
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }));
        SqsdConfig config = SqsdConfig.defaults(app.url()).withTimeouts(Duration.ofSeconds(1), Duration.ofMillis(500));
        try (Worker worker = worker(queue, config, BackoffPolicy.constant(Duration.ofSeconds(1)))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> sqs.held(queue) == 0);
        } finally {
            release.countDown();
        }
        assertThat(app.requests()).hasSize(2);
        assertThat(app.requests().get(1).header("x-aws-sqsd-receive-count")).isEqualTo("2");
    }

    @Test
    void aConnectionErrorIsRetried() throws IOException {
        String queue = sqs.queue("sqsd-refused");
        sqs.send(queue, List.of("nobody-listens"));
        URI closed;
        try (RecordingApp gone = new RecordingApp()) {
            closed = gone.url();
        }
        java.util.concurrent.atomic.AtomicInteger failures = new java.util.concurrent.atomic.AtomicInteger();
        WorkerOptions options = WorkerOptions.builder(queue).waitTime(Duration.ofSeconds(1))
                .backoff(BackoffPolicy.constant(Duration.ofSeconds(1))).build();
        SqsdForwarder forwarder = new SqsdForwarder(SqsdConfig.defaults(closed));
        try (Worker worker = Worker.start(sqs.sqs(), options, message -> {
            try {
                forwarder.handle(message);
            } catch (SqsdForwarder.ForwardException e) {
                failures.incrementAndGet();
                throw e;
            }
        })) {
            await().atMost(Duration.ofSeconds(20)).until(() -> failures.get() >= 2);
        }
        assertThat(sqs.held(queue)).isEqualTo(1);
    }

    @Test
    void noMoreThanTheConfiguredConnectionsArePostedAtOnce() {
        String queue = sqs.queue("sqsd-connections");
        sqs.send(queue, IntStream.range(0, 30).mapToObj(i -> "m" + i).toList());
        app.respond(r -> new RecordingApp.Response(200, Map.of(), () -> {
            try {
                Thread.sleep(100); // the app's own work per request
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));

        // the engine would run 20 at once; the forwarder's 3 connections are the tighter bound
        try (Worker worker = worker(queue, SqsdConfig.defaults(app.url()).withMaxConnections(3), BackoffPolicy.immediate(), 20)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> sqs.held(queue) == 0);
        }
        assertThat(app.requests()).hasSize(30);
        assertThat(app.mostServedAtOnce()).isLessThanOrEqualTo(3).isGreaterThan(1);
    }

    @Test
    void aPeriodicTaskMessageIsPostedToItsPathWithTaskHeaders() {
        String queue = sqs.queue("sqsd-task");
        sqs.sqs().sendMessage(b -> b.queueUrl(queue).messageBody("elasticbeanstalk scheduled job").messageAttributes(Map.of(
                "beanstalk.sqsd.task_name", string("nightly-report"),
                "beanstalk.sqsd.path", string("/tasks/report"),
                "beanstalk.sqsd.scheduled_time", string("2026-11-23T03:00:00Z"),
                "tenant", string("acme"))));

        try (Worker worker = worker(queue, SqsdConfig.defaults(app.url()).withBodyMode(BodyMode.DECODED), BackoffPolicy.immediate())) {
            await().atMost(Duration.ofSeconds(20)).until(() -> sqs.held(queue) == 0);
        }
        RecordingApp.Request request = app.requests().getFirst();
        assertThat(request.path()).isEqualTo("/tasks/report");
        assertThat(request.text()).isEqualTo("elasticbeanstalk scheduled job");
        assertThat(request.headers()).containsEntry("x-aws-sqsd-taskname", "nightly-report")
                .containsEntry("x-aws-sqsd-scheduled-at", "2026-11-23T03:00:00Z")
                .containsEntry("x-aws-sqsd-attr-tenant", "acme");
        List<String> attributeHeaders = new ArrayList<>(request.headers().keySet());
        attributeHeaders.removeIf(h -> !h.startsWith("x-aws-sqsd-attr-"));
        assertThat(attributeHeaders).containsExactly("x-aws-sqsd-attr-tenant");
    }

    @Test
    void aTaskPathThatLeavesLoopbackIsNotFollowed() {
        String queue = sqs.queue("sqsd-task-remote");
        sqs.sqs().sendMessage(b -> b.queueUrl(queue).messageBody("elasticbeanstalk scheduled job").messageAttributes(Map.of(
                "beanstalk.sqsd.task_name", string("exfiltrate"),
                "beanstalk.sqsd.path", string("http://example.com/steal"))));
        java.util.concurrent.atomic.AtomicInteger refused = new java.util.concurrent.atomic.AtomicInteger();
        SqsdForwarder forwarder = new SqsdForwarder(SqsdConfig.defaults(app.url()));
        WorkerOptions options = WorkerOptions.builder(queue).waitTime(Duration.ofSeconds(1))
                .backoff(BackoffPolicy.constant(Duration.ofMinutes(10))).build();
        try (Worker worker = Worker.start(sqs.sqs(), options, message -> {
            try {
                forwarder.handle(message);
            } catch (IllegalArgumentException e) {
                refused.incrementAndGet();
                throw e;
            }
        })) {
            await().atMost(Duration.ofSeconds(20)).until(() -> refused.get() == 1);
        }
        assertThat(app.requests()).isEmpty();
        assertThat(sqs.held(queue)).isEqualTo(1);
    }

    private static MessageAttributeValue string(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }
}
