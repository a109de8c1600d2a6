package io.pipekit.ops.dlq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pipekit.local.LocalAwsClients;
import io.pipekit.local.LocalCloud;
import io.pipekit.ops.OpsClients;
import io.pipekit.pipes.provision.AwsClients;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** {@code dlq list|peek|replay} against ElasticMQ and the local bus. */
class DlqOnLocalCloudTest {

    static LocalCloud cloud;
    static AwsClients local;
    static OpsClients aws;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        cloud = LocalCloud.builder().withSqs().withPipes().withEventBridge().start();
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

    private static String queue(String name, Map<String, String> attributes) {
        return aws.sqs().createQueue(b -> b.queueName(name).attributesWithStrings(attributes)).queueUrl();
    }

    private static String arn(String url) {
        return aws.sqs().getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN)).attributes().get(QueueAttributeName.QUEUE_ARN);
    }

    /** A source queue whose messages move to its DLQ after one receive, and the DLQ holding {@code n} of them. */
    private static String[] redrivenMessages(String name, int n) {
        String dlq = queue(name + "-dlq", Map.of());
        String source = queue(name, Map.of("RedrivePolicy", "{\"deadLetterTargetArn\":\"" + arn(dlq) + "\",\"maxReceiveCount\":1}", "VisibilityTimeout", "1"));
        for (int i = 0; i < n; i++) {
            int k = i;
            aws.sqs().sendMessage(b -> b.queueUrl(source).messageBody("{\"n\":" + k + "}"));
        }
        // one receive each (not deleted), then the next receive moves them: SQS redrive after maxReceiveCount
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            aws.sqs().receiveMessage(b -> b.queueUrl(source).maxNumberOfMessages(10).visibilityTimeout(0));
            return new DeadLetterQueue(aws.sqs(), dlq).approximateSize() == n;
        });
        return new String[] {source, dlq};
    }

    private static List<String> drain(String url) {
        List<String> bodies = new ArrayList<>();
        List<Message> got;
        do {
            got = aws.sqs().receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1)).messages();
            for (Message m : got) {
                bodies.add(m.body());
                aws.sqs().deleteMessage(b -> b.queueUrl(url).receiptHandle(m.receiptHandle()));
            }
        } while (!got.isEmpty());
        return bodies;
    }

    private static void ruleFailure(String dlq, String ruleArn, String targetArn, String body) {
        aws.sqs().sendMessage(b -> b.queueUrl(dlq).messageBody(body).messageAttributes(Map.of(
                "RULE_ARN", text(ruleArn), "TARGET_ARN", text(targetArn), "ERROR_CODE", text("SQS.AWS.SimpleQueueService.NonExistentQueue"),
                "ERROR_MESSAGE", text("The specified queue does not exist."), "EXHAUSTED_RETRY_CONDITION", text("MaximumRetryAttemptsExhausted"),
                "RETRY_ATTEMPTS", MessageAttributeValue.builder().dataType("Number").stringValue("0").build())));
    }

    private static MessageAttributeValue text(String v) {
        return MessageAttributeValue.builder().dataType("String").stringValue(v).build();
    }

    private static final String EVENT = "{\"version\":\"0\",\"id\":\"e-1\",\"detail-type\":\"OrderCreated\",\"source\":\"shop\",\"account\":\"000000000000\","
            + "\"time\":\"2026-12-02T03:00:00Z\",\"region\":\"us-east-1\",\"resources\":[],\"detail\":{\"id\":\"o-1\",\"amount\":5}}";

    private static final String KINESIS_BATCH = "{\"requestContext\":{\"requestId\":\"r\",\"pipeArn\":\"arn:aws:pipes:us-east-1:000000000000:pipe/orders\","
            + "\"condition\":\"RetryAttemptsExhausted\",\"approximateInvokeCount\":2},\"version\":\"1.0\",\"timestamp\":\"2026-12-02T03:00:00.000Z\","
            + "\"KinesisBatchInfo\":{\"shardId\":\"shardId-000000000000\",\"startSequenceNumber\":\"1\",\"endSequenceNumber\":\"9\",\"batchSize\":3,"
            + "\"streamArn\":\"arn:aws:kinesis:us-east-1:000000000000:stream/orders\"}}";

    @Test
    void peekGroupsByKindOldestFirstAndConsumesNothing() {
        String[] q = redrivenMessages("peek-" + UUID.randomUUID().toString().substring(0, 8), 2);
        String dlq = q[1];
        aws.sqs().sendMessage(b -> b.queueUrl(dlq).messageBody(KINESIS_BATCH));
        ruleFailure(dlq, "arn:aws:events:us-east-1:000000000000:rule/orders", "arn:aws:sqs:us-east-1:000000000000:gone", EVENT);

        DeadLetterQueue.Contents contents = new DeadLetterQueue(aws.sqs(), dlq).peek(100, Duration.ofSeconds(30));

        assertThat(contents.countsByKind()).containsExactly(Map.entry("redrive", 2L), Map.entry("pipe-batch", 1L), Map.entry("rule-failure", 1L));
        assertThat(contents.messages()).extracting(DeadLetter::sent).isSorted();
        assertThat(contents.messages()).filteredOn(m -> m instanceof DeadLetter.PipeBatch).singleElement().satisfies(m -> {
            DeadLetter.PipeBatch p = (DeadLetter.PipeBatch) m;
            assertThat(p.stream()).isEqualTo(DeadLetter.PipeBatch.Stream.KINESIS);
            assertThat(p.startSequenceNumber()).isEqualTo("1");
            assertThat(p.batchSize()).isEqualTo(3);
            assertThat(p.pipeArn()).endsWith("pipe/orders");
        });
        assertThat(contents.messages()).filteredOn(m -> m instanceof DeadLetter.RuleFailure).singleElement().satisfies(m -> {
            DeadLetter.RuleFailure f = (DeadLetter.RuleFailure) m;
            assertThat(f.errorCode()).isEqualTo("SQS.AWS.SimpleQueueService.NonExistentQueue");
            assertThat(f.exhaustedRetryCondition()).isEqualTo("MaximumRetryAttemptsExhausted");
            assertThat(f.retryAttempts()).isEqualTo("0");
        });
        // nothing consumed: every message is visible again at once
        assertThat(aws.sqs().receiveMessage(b -> b.queueUrl(dlq).maxNumberOfMessages(10).visibilityTimeout(0)).messages()).hasSize(4);
    }

    @Test
    void replaySendsRedrivenMessagesBackToTheirSourceQueueAndEmptiesTheDlq() {
        String[] q = redrivenMessages("redrive-" + UUID.randomUUID().toString().substring(0, 8), 12);

        Replayer.Summary summary = new Replayer(aws, q[1], Replayer.Options.defaults().withRate(1000), null, false).run();

        System.out.println("redrive replay: " + summary.describe());   // ElasticMQ: StartMessageMoveTask or receive-send-delete
        assertThat(summary.failed()).isZero();
        assertThat(summary.replayed()).isEqualTo(12);
        assertThat(drain(q[0])).hasSize(12).doesNotHaveDuplicates();
        assertThat(new DeadLetterQueue(aws.sqs(), q[1]).approximateSize()).isZero();
    }

    @Test
    void aDryRunSendsAndDeletesNothing() {
        String[] q = redrivenMessages("dry-" + UUID.randomUUID().toString().substring(0, 8), 3);

        Replayer.Summary summary = new Replayer(aws, q[1], Replayer.Options.defaults().withDryRun(true), null, false).run();

        assertThat(summary.describe()).startsWith("dry run");
        assertThat(summary.sent()).isEqualTo(3);
        assertThat(drain(q[0])).isEmpty();
        assertThat(new DeadLetterQueue(aws.sqs(), q[1]).peek(10, Duration.ofSeconds(5)).messages()).hasSize(3);
    }

    @Test
    void aCrashMidReplayLosesNothingAndTheRerunDoesNotSendAgainWhatWasSent(@TempDir Path tmp) {
        String[] q = redrivenMessages("crash-" + UUID.randomUUID().toString().substring(0, 8), 7);
        Path journal = tmp.resolve("replay.journal");
        // the fourth delete never happens: the process "dies" after its send succeeded
        OpsClients crashing = new OpsClients(failingOnCall(aws.sqs(), "deleteMessage", 4), aws.pipes(), aws.events(), null, null, null, null);
        Replayer.Options options = Replayer.Options.defaults().withRate(1000).withMax(100).withJournal(journal).withLease(Duration.ofSeconds(2));   // --max: receive-send-delete, not the move task

        assertThatThrownBy(() -> new Replayer(crashing, q[1], options, null, false).run()).hasMessageContaining("crash");
        assertThat(Files.exists(journal)).isTrue();
        // the message whose delete was lost comes back after its lease; the rerun must not send it twice
        await().atMost(Duration.ofSeconds(20)).until(() -> new DeadLetterQueue(aws.sqs(), q[1]).approximateSize() == 4);
        Replayer.Summary rerun = new Replayer(aws, q[1], options.withLease(Duration.ofSeconds(30)), null, false).run();

        assertThat(rerun.alreadySent()).isEqualTo(1);
        assertThat(rerun.replayed()).isEqualTo(4);
        assertThat(rerun.describe()).contains("1 already sent by an interrupted earlier replay");
        List<String> delivered = drain(q[0]);
        assertThat(delivered).hasSize(7).doesNotHaveDuplicates();
        assertThat(new DeadLetterQueue(aws.sqs(), q[1]).approximateSize()).isZero();
    }

    @Test
    void aFailedSendDeletesNothingAndIsReportedWithTheReason() {
        String[] q = redrivenMessages("refused-" + UUID.randomUUID().toString().substring(0, 8), 3);
        OpsClients refusing = new OpsClients(failingOnCall(aws.sqs(), "sendMessage", 2), aws.pipes(), aws.events(), null, null, null, null);

        Replayer.Summary summary = new Replayer(refusing, q[1], Replayer.Options.defaults().withRate(1000).withMax(3), null, false).run();

        assertThat(summary.failed()).isEqualTo(1);
        assertThat(summary.errors()).singleElement().asString().contains("crash");
        assertThat(drain(q[0])).hasSize(2);
        assertThat(new DeadLetterQueue(aws.sqs(), q[1]).peek(10, Duration.ofSeconds(5)).messages()).hasSize(1);
    }

    @Test
    void aRuleFailureGoesBackOnItsBusOrWithTargetStraightToTheTargetThroughItsTransformer() {
        String id = UUID.randomUUID().toString().substring(0, 8);
        String target = queue("rule-target-" + id, Map.of());
        String dlq = queue("rule-dlq-" + id, Map.of());
        String rule = "orders-" + id;
        String ruleArn = aws.events().putRule(b -> b.name(rule).eventPattern("{\"source\":[\"shop\"]}")).ruleArn();
        aws.events().putTargets(b -> b.rule(rule).targets(t -> t.id("w").arn(arn(target))
                .inputTransformer(x -> x.inputPathsMap(Map.of("order", "$.detail.id")).inputTemplate("{\"order\":<order>}"))));
        ruleFailure(dlq, ruleArn, arn(target), EVENT);

        Replayer.Summary onBus = new Replayer(aws, dlq, Replayer.Options.defaults(), null, false).run();
        assertThat(onBus.replayed()).as(onBus.describe()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> !aws.sqs().receiveMessage(b -> b.queueUrl(target).waitTimeSeconds(1)
                .visibilityTimeout(0)).messages().isEmpty());
        assertThat(drain(target)).singleElement().asString().isEqualTo("{\"order\":\"o-1\"}");

        ruleFailure(dlq, ruleArn, arn(target), EVENT);
        Replayer.Summary direct = new Replayer(aws, dlq, Replayer.Options.defaults().withRuleToTarget(true), null, false).run();
        assertThat(direct.replayed()).isEqualTo(1);
        assertThat(drain(target)).singleElement().asString().isEqualTo("{\"order\":\"o-1\"}");
        assertThat(new DeadLetterQueue(aws.sqs(), dlq).approximateSize()).isZero();
    }

    @Test
    void aRuleFailureTheLocalBusDeadLetteredIsRecognisedAndReplayedOnceTheTargetExists() {
        String id = UUID.randomUUID().toString().substring(0, 8);
        String dlq = queue("bus-dlq-" + id, Map.of());
        String targetName = "bus-target-" + id;
        String targetArn = "arn:aws:sqs:us-east-1:000000000000:" + targetName;   // does not exist yet: not retryable, straight to the DLQ
        String rule = "bus-" + id;
        aws.events().putRule(b -> b.name(rule).eventPattern("{\"source\":[\"shop-" + id + "\"]}"));
        aws.events().putTargets(b -> b.rule(rule).targets(t -> t.id("w").arn(targetArn).deadLetterConfig(d -> d.arn(arn(dlq)))));
        aws.events().putEvents(b -> b.entries(e -> e.source("shop-" + id).detailType("OrderCreated").detail("{\"id\":\"o-7\"}")));

        await().atMost(Duration.ofSeconds(30)).until(() -> new DeadLetterQueue(aws.sqs(), dlq).approximateSize() == 1);
        DeadLetter letter = new DeadLetterQueue(aws.sqs(), dlq).peek(10, Duration.ofSeconds(5)).messages().getFirst();
        assertThat(letter).isInstanceOfSatisfying(DeadLetter.RuleFailure.class, f -> {
            assertThat(f.ruleArn()).endsWith("rule/" + rule);
            assertThat(f.targetArn()).isEqualTo(targetArn);
            assertThat(f.errorCode()).isNotBlank();
        });

        String target = queue(targetName, Map.of());
        Replayer.Summary summary = new Replayer(aws, dlq, Replayer.Options.defaults().withRuleToTarget(true), null, false).run();

        assertThat(summary.replayed()).as(summary.describe()).isEqualTo(1);
        assertThat(drain(target)).singleElement().asString().contains("\"source\":\"shop-" + id + "\"", "\"id\":\"o-7\"");
        assertThat(new DeadLetterQueue(aws.sqs(), dlq).approximateSize()).isZero();
    }

    /** The real client, except that the {@code n}-th call of {@code method} throws (a crash or a refused call). */
    static SqsClient failingOnCall(SqsClient real, String method, int n) {
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
