package io.pipekit.ops.doctor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pipekit.local.KinesisBackend;
import io.pipekit.local.LocalAwsClients;
import io.pipekit.local.LocalCloud;
import io.pipekit.ops.OpsClients;
import io.pipekit.pipes.provision.AwsClients;
import io.pipekit.pipes.provision.ProvisionOptions;
import io.pipekit.pipes.provision.Provisioner;
import io.pipekit.pipes.runtime.PipesRuntime;
import io.pipekit.pipes.spec.SpecLoader;
import io.pipekit.pipes.spec.SubscriptionSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;
import software.amazon.awssdk.services.pipes.model.PipeState;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Doctor against the local stack (ElasticMQ, kinesalite, the local Pipes runtime and bus): each broken
 * setup is built for real and doctor must name it, with the fix; the healthy one reports nothing
 * but notes (what the local stack cannot tell: IAM, KMS, queue policies).
 */
class DoctorOnLocalCloudTest {

    static LocalCloud cloud;
    static AwsClients local;
    static OpsClients aws;

    @BeforeAll
    static void start() {
        cloud = LocalCloud.builder().withSqs().withKinesis(KinesisBackend.KINESALITE)
                .withPipes(PipesRuntime.Options.defaults().withIdlePollInterval(Duration.ofMillis(50)).withBackoff(Duration.ofMillis(50), Duration.ofMillis(200)))
                .withEventBridge().start();
        local = LocalAwsClients.of(cloud);
        aws = OpsClients.of(local, null, null);
    }

    @AfterAll
    static void stop() {
        if (local != null) {
            local.close();
        }
        if (cloud != null) {
            cloud.close();
        }
    }

    private static String stream(String name) {
        aws.kinesis().createStream(b -> b.streamName(name).shardCount(1));
        await().atMost(Duration.ofSeconds(30)).until(() ->
                aws.kinesis().describeStreamSummary(b -> b.streamName(name)).streamDescriptionSummary().streamStatus() == StreamStatus.ACTIVE);
        return "arn:aws:kinesis:us-east-1:000000000000:stream/" + name;
    }

    private static String queue(String name, Map<String, String> attributes) {
        return aws.sqs().createQueue(b -> b.queueName(name).attributesWithStrings(attributes)).queueUrl();
    }

    private static String arn(String url) {
        return aws.sqs().getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN)).attributes().get(QueueAttributeName.QUEUE_ARN);
    }

    /** A queue with a DLQ the worker's default back-off is happy with (10 receives). */
    private static String wellRedrivenQueue(String name) {
        String dlq = queue(name + "-dlq", Map.of());
        return queue(name, Map.of("RedrivePolicy", "{\"deadLetterTargetArn\":\"" + arn(dlq) + "\",\"maxReceiveCount\":10}"));
    }

    private static Report doctor(Doctor.Options options) {
        return new Doctor(aws, options).run();
    }

    @Test
    void aHealthySetupProvisionedByApplyReportsNothingButNotes() throws Exception {
        stream("healthy-orders");
        SubscriptionSpec spec = SpecLoader.load(Path.of(getClass().getResource("/io/pipekit/ops/healthy.yml").toURI()));
        Provisioner provisioner = new Provisioner(local, new ProvisionOptions(Duration.ofSeconds(30), Duration.ofMillis(50)));
        provisioner.apply(spec);

        Report report = doctor(Doctor.Options.forSpec(spec));

        assertThat(report.problems()).as(report.table()).isEmpty();
        assertThat(report.exitCode()).isZero();
        assertThat(report.scope()).anyMatch(s -> s.startsWith("pipe pipekit-healthy-orders")).anyMatch(s -> s.contains("rule/pipekit-healthy-order-created"));
        // what the local stack cannot answer is said, not passed silently
        assertThat(report.findings()).extracting(Finding::check).contains("pipe-role", "rule-queue-policy");

        // someone changes the pipe by hand: doctor compares it with the resource model of the spec
        String role = aws.pipes().describePipe(b -> b.name("pipekit-healthy-orders")).roleArn();
        aws.pipes().updatePipe(b -> b.name("pipekit-healthy-orders").roleArn(role)
                .sourceParameters(p -> p.kinesisStreamParameters(k -> k.batchSize(5).maximumRetryAttempts(3).maximumRecordAgeInSeconds(3600)
                        .deadLetterConfig(d -> d.arn("arn:aws:sqs:us-east-1:000000000000:pipekit-healthy-orders-dlq")))));
        await().atMost(Duration.ofSeconds(20)).until(() -> aws.pipes().describePipe(b -> b.name("pipekit-healthy-orders")).currentState() == PipeState.RUNNING);
        assertThat(doctor(Doctor.Options.forSpec(spec)).byCheck("spec-drift")).singleElement().satisfies(f -> {
            assertThat(f.resource()).endsWith("pipe/pipekit-healthy-orders");
            assertThat(f.breaks()).contains("BatchSize 5 (spec: 10)");
            assertThat(f.fix()).contains("pipekit apply");
        });
    }

    @Test
    void aQueueWithoutRedriveIsNamedWithItsFix() {
        String url = queue("no-redrive-" + UUID.randomUUID().toString().substring(0, 8), Map.of());

        Report report = doctor(Doctor.Options.forQueue(url));

        assertThat(report.byCheck("redrive-missing")).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.WARNING);
            assertThat(f.resource()).isEqualTo(url);
            assertThat(f.fix()).contains("RedrivePolicy", "deadLetterTries");
        });
        assertThat(report.exitCode()).isEqualTo(1);
    }

    @Test
    void aMaxReceiveCountTooSmallForTheWorkersBackoffSaysHowManyReceivesAreNeeded() {
        String dlq = queue("short-dlq", Map.of());
        String url = queue("short-retries", Map.of("RedrivePolicy", "{\"deadLetterTargetArn\":\"" + arn(dlq) + "\",\"maxReceiveCount\":3}"));

        Report report = doctor(Doctor.Options.forQueue(url));

        // default back-off 2 s ×2, jittered down to half: receives 1..2 wait at least 1 + 2 s; 10 receives cover 5 min
        assertThat(report.byCheck("max-receive-count")).singleElement().satisfies(f -> {
            assertThat(f.breaks()).contains("maxReceiveCount 3", "only 3 s");
            assertThat(f.fix()).contains("raise maxReceiveCount to 10");
        });
    }

    @Test
    void aVisibilityTimeoutShorterThanTheHeartbeatOrTheHandlerP99IsNamed() {
        String url = queue("short-visibility", Map.of("VisibilityTimeout", "5"));

        Report report = doctor(Doctor.Options.forQueue(url).withHandlerP99(Duration.ofMinutes(2)));

        assertThat(report.byCheck("visibility-heartbeat")).singleElement().satisfies(f -> {
            assertThat(f.breaks()).contains("(5 s)", "first heartbeat (15 s");
            assertThat(f.fix()).contains("at least the worker's visibility (30 s)");
        });
        assertThat(report.byCheck("visibility-p99")).singleElement().satisfies(f -> assertThat(f.fix()).contains("raise VisibilityTimeout above the p99 (2 min)"));
    }

    @Test
    void aPipeStoppedOnPurposeAndOneAwsStoppedAreNamedWithTheStateReason() {
        String url = wellRedrivenQueue("pipes-target");
        String dlq = arn(queue("pipes-target-pipe-dlq", Map.of()));
        String kept = stream("kept-stream");
        String doomed = stream("doomed-stream");
        for (String[] p : new String[][] {{"paused", kept}, {"orphaned", doomed}}) {
            aws.pipes().createPipe(b -> b.name(p[0]).source(p[1]).target(arn(url)).roleArn("arn:aws:iam::000000000000:role/pipe")
                    .sourceParameters(s -> s.kinesisStreamParameters(k -> k.startingPosition("TRIM_HORIZON").batchSize(10).maximumRetryAttempts(3)
                            .deadLetterConfig(d -> d.arn(dlq)))));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> aws.pipes().describePipe(b -> b.name("orphaned")).currentState() == PipeState.RUNNING);
        aws.pipes().stopPipe(b -> b.name("paused"));
        aws.kinesis().deleteStream(b -> b.streamName("doomed-stream"));
        await().atMost(Duration.ofSeconds(30)).until(() -> aws.pipes().describePipe(b -> b.name("orphaned")).currentState() == PipeState.STOPPED
                && aws.pipes().describePipe(b -> b.name("paused")).currentState() == PipeState.STOPPED);

        Report report = doctor(Doctor.Options.forQueue(url));

        assertThat(report.byCheck("pipe-state")).hasSize(2);
        assertThat(report.byCheck("pipe-state")).filteredOn(f -> f.resource().endsWith("pipe/orphaned")).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.ERROR);
            assertThat(f.breaks()).contains("AWS stopped the pipe", "Stream not found");
        });
        assertThat(report.byCheck("pipe-state")).filteredOn(f -> f.resource().endsWith("pipe/paused")).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.WARNING);
            assertThat(f.fix()).contains("start-pipe --name paused");
        });
        assertThat(report.exitCode()).isEqualTo(2);
    }

    @Test
    void aStreamPipeWithoutDlqOrWithEndlessRetriesIsNamed() {
        String url = wellRedrivenQueue("retry-target");
        String src = stream("retry-stream");
        aws.pipes().createPipe(b -> b.name("no-dlq").source(src).target(arn(url)).roleArn("arn:aws:iam::000000000000:role/pipe")
                .sourceParameters(s -> s.kinesisStreamParameters(k -> k.startingPosition("TRIM_HORIZON").batchSize(10).maximumRetryAttempts(3))));
        aws.pipes().createPipe(b -> b.name("endless").source(src).target(arn(url)).roleArn("arn:aws:iam::000000000000:role/pipe")
                .sourceParameters(s -> s.kinesisStreamParameters(k -> k.startingPosition("TRIM_HORIZON").batchSize(10))));

        Report report = doctor(Doctor.Options.forQueue(url));

        assertThat(report.byCheck("pipe-dlq-missing")).singleElement().satisfies(f -> {
            assertThat(f.resource()).endsWith("pipe/no-dlq");
            assertThat(f.fix()).contains("deadLetterQueue: true");
        });
        assertThat(report.byCheck("pipe-retries")).singleElement().satisfies(f -> {
            assertThat(f.resource()).endsWith("pipe/endless");
            assertThat(f.fix()).contains("MaximumRetryAttempts");
        });
    }

    @Test
    void aRuleIntoAQueueWithoutPolicyOrDlqOrDisabledIsNamedAndTheSpecsMissingPipeToo() throws Exception {
        String url = wellRedrivenQueue("rule-target");
        aws.events().putRule(b -> b.name("no-policy").eventPattern("{\"source\":[\"x\"]}").state("DISABLED"));
        aws.events().putTargets(b -> b.rule("no-policy").targets(t -> t.id("q").arn(arn(url))));
        Path spec = Path.of(System.getProperty("java.io.tmpdir"), "doctor-missing-" + UUID.randomUUID() + ".yml");
        java.nio.file.Files.writeString(spec, """
                version: 1
                name: absent
                queue: {name: rule-target, create: false}
                subscriptions:
                  kinesis:
                    - {name: ghost, streamArn: "arn:aws:kinesis:us-east-1:000000000000:stream/ghost", startingPosition: TRIM_HORIZON}
                """);

        Report report = doctor(Doctor.Options.forQueue(url).withSpec(SpecLoader.load(spec)));

        assertThat(report.byCheck("rule-queue-policy")).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.ERROR);
            assertThat(f.breaks()).contains("rule/no-policy", "FailedInvocations");
            assertThat(f.fix()).contains("events.amazonaws.com", "\"aws:SourceArn\":\"arn:aws:events:us-east-1:000000000000:rule/no-policy\"");
        });
        assertThat(report.byCheck("rule-dlq-missing")).singleElement().satisfies(f -> assertThat(f.severity()).isEqualTo(Severity.WARNING));
        assertThat(report.byCheck("rule-disabled")).singleElement().satisfies(f -> assertThat(f.fix()).contains("enable-rule --name no-policy"));
        assertThat(report.byCheck("spec-missing")).singleElement().satisfies(f -> {
            assertThat(f.resource()).isEqualTo("pipe pipekit-absent-ghost");
            assertThat(f.fix()).contains("pipekit apply");
        });
    }

    @Test
    void jsonCarriesEveryFindingAndTheExitCode() {
        String url = queue("json-" + UUID.randomUUID().toString().substring(0, 8), Map.of());

        String json = doctor(Doctor.Options.forQueue(url)).json();

        assertThat(json).contains("\"check\" : \"redrive-missing\"", "\"severity\" : \"WARNING\"", "\"exitCode\" : 1");
    }
}
