package io.pipekit.it.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pipekit.local.KinesisBackend;
import io.pipekit.local.LocalCloud;
import io.pipekit.ops.OpsClients;
import io.pipekit.ops.dlq.DeadLetter;
import io.pipekit.ops.dlq.DeadLetterQueue;
import io.pipekit.ops.dlq.Replayer;
import io.pipekit.producers.DeliveryAudit;
import io.pipekit.producers.Producer;
import io.pipekit.producers.RunSummary;
import io.pipekit.producers.SampleEvent;
import io.pipekit.producers.Scenario;
import io.pipekit.producers.Targets;
import io.pipekit.producers.TrafficPlan;
import io.pipekit.worker.Worker;
import io.pipekit.worker.WorkerOptions;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;
import software.amazon.awssdk.services.pipes.PipesClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import io.pipekit.pipes.runtime.PipesRuntime;

/**
 * The operations story end to end on the local stack: a Kinesis pipe whose target queue is gone
 * dead-letters every batch (metadata only, docs/aws-behaviour.md §1.9); the target comes back;
 * {@code dlq replay} re-reads the shard, renders each record through the pipe's filter and template,
 * and the worker receives every original record — checked against the producer's run with the
 * {@link DeliveryAudit}. The first replay attempt dies mid-way (a scripted failure); the second,
 * with the same journal, completes it without losing or re-sending anything.
 */
class DlqReplayEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int EVENTS = 120;

    @TempDir
    Path dir;

    @Test
    void aPipeWhoseTargetWasBrokenGetsEveryRecordToTheWorkerAfterReplay() throws Exception {
        try (LocalCloud cloud = LocalCloud.builder().withSqs().withKinesis(KinesisBackend.KINESALITE)
                .withPipes(PipesRuntime.Options.defaults().withIdlePollInterval(Duration.ofMillis(50)).withBackoff(Duration.ofMillis(50), Duration.ofMillis(200)))
                .start();
             SqsClient sqs = cloud.sqsClient(); KinesisClient kinesis = cloud.kinesisClient(); PipesClient pipes = cloud.pipesClient()) {
            kinesis.createStream(b -> b.streamName("replay-orders").shardCount(2));
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    kinesis.describeStreamSummary(b -> b.streamName("replay-orders")).streamDescriptionSummary().streamStatus() == StreamStatus.ACTIVE);
            String dlqUrl = sqs.createQueue(b -> b.queueName("replay-pipe-dlq")).queueUrl();
            String workerQueueArn = "arn:aws:sqs:us-east-1:000000000000:replay-worker";
            String firstWorkerUrl = sqs.createQueue(b -> b.queueName("replay-worker")).queueUrl();
            pipes.createPipe(b -> b.name("replay-orders").source("arn:aws:kinesis:us-east-1:000000000000:stream/replay-orders")
                    .target(workerQueueArn).roleArn("arn:aws:iam::000000000000:role/replay-pipe")
                    .sourceParameters(s -> s
                            .kinesisStreamParameters(k -> k.startingPosition("TRIM_HORIZON").batchSize(10).maximumRetryAttempts(1)
                                    .deadLetterConfig(d -> d.arn("arn:aws:sqs:us-east-1:000000000000:replay-pipe-dlq")))
                            .filterCriteria(f -> f.filters(x -> x.pattern("{\"data\":{\"schema\":[\"" + SampleEvent.SCHEMA + "\"]}}"))))
                    .targetParameters(t -> t.inputTemplate("{\"kit\":\"pipes/1\",\"pipe\":<aws.pipes.pipe-name>,\"eventId\":<$.eventID>,\"data\":<$.data>}")));

            await().atMost(Duration.ofSeconds(20)).until(() -> pipes.describePipe(b -> b.name("replay-orders")).currentStateAsString().equals("RUNNING"));
            // the target breaks: the worker queue is deleted while the records flow
            sqs.deleteQueue(b -> b.queueUrl(firstWorkerUrl));
            TrafficPlan plan = TrafficPlan.of(Scenario.ORDERS).withCount(EVENTS).withRate(400).withRunId("replay-" + Instant.now().toEpochMilli());
            RunSummary produced;
            try (var target = Targets.kinesis(kinesis, "replay-orders")) {
                produced = Producer.run(plan, target);
            }
            assertThat(produced.sent()).isEqualTo(EVENTS);
            DeadLetterQueue dlq = new DeadLetterQueue(sqs, dlqUrl);
            await().atMost(Duration.ofSeconds(60)).until(() -> dlq.peek(1000, Duration.ofSeconds(5)).messages().stream()
                    .mapToInt(m -> ((DeadLetter.PipeBatch) m).batchSize()).sum() == EVENTS);
            DeadLetterQueue.Contents contents = dlq.peek(1000, Duration.ofSeconds(5));
            assertThat(contents.countsByKind()).containsOnlyKeys("pipe-batch");

            // the target is fixed
            String workerUrl = sqs.createQueue(b -> b.queueName("replay-worker")).queueUrl();
            DeliveryAudit audit = new DeliveryAudit(plan.runId());
            AtomicInteger wrongShape = new AtomicInteger();
            try (Worker worker = Worker.start(sqs, WorkerOptions.builder(workerUrl).waitTime(Duration.ofSeconds(1)).build(), message -> {
                JsonNode body = JSON.readTree(message.body());
                if (!"pipes/1".equals(body.path("kit").asText()) || !"replay-orders".equals(body.path("pipe").asText())) {
                    wrongShape.incrementAndGet();
                }
                audit.record(SampleEvent.fromJsonNode(body.get("data")), Instant.now());
            })) {
                OpsClients aws = new OpsClients(sqs, pipes, null, null, null, kinesis, null);
                Path journal = dir.resolve("replay.journal");
                Replayer.Options options = Replayer.Options.defaults().withRate(2000).withJournal(journal).withLease(Duration.ofSeconds(2));

                // first attempt: the process dies right after the third batch record's records were sent, before its delete
                OpsClients dying = new OpsClients(crashingOn(sqs, "deleteMessage", 3), pipes, null, null, null, kinesis, null);
                assertThatThrownBy(() -> new Replayer(dying, dlqUrl, options, null, false).run()).hasMessageContaining("scripted crash");

                // nothing is lost: every record not deleted is back in the DLQ once its lease is over
                await().atMost(Duration.ofSeconds(30)).until(() -> dlq.approximateSize() == contents.messages().size() - 2);
                Replayer.Summary second = new Replayer(aws, dlqUrl, options.withLease(Duration.ofMinutes(1)), null, false).run();
                System.out.println("replay after the crash: " + second.describe());
                assertThat(second.failed()).isZero();
                assertThat(second.notRetained()).isEmpty();
                assertThat(second.replayed()).isEqualTo(contents.messages().size() - 2);
                assertThat(second.alreadySent()).as("the crashed record's records were sent before the crash: not sent again").isPositive();

                await().atMost(Duration.ofSeconds(60)).until(() -> audit.report(EVENTS).missing() == 0);
                DeliveryAudit.Report report = audit.report(EVENTS);
                System.out.println("audit after replay: expected " + report.expected() + ", unique " + report.unique() + ", missing " + report.missing()
                        + ", duplicates " + report.duplicates());
                assertThat(report.missing()).isZero();
                assertThat(report.duplicates()).as("the journal kept the second replay from re-sending").isZero();
                assertThat(wrongShape).as("every record rendered through the pipe's template").hasValue(0);
                assertThat(dlq.approximateSize()).isZero();
            }
        }
    }

    /** The real client, except that the {@code n}-th call of {@code method} throws (the replay dies there). */
    private static SqsClient crashingOn(SqsClient real, String method, int n) {
        AtomicInteger calls = new AtomicInteger();
        return (SqsClient) Proxy.newProxyInstance(SqsClient.class.getClassLoader(), new Class<?>[] {SqsClient.class}, (proxy, m, args) -> {
            if (m.getName().equals(method) && calls.incrementAndGet() == n) {
                throw new IllegalStateException("scripted crash in " + method + " call " + n);
            }
            try {
                return m.invoke(real, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        });
    }
}
