package io.pipekit.pipes.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.pipekit.pipes.spec.SpecLoader;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeploymentTest {

    static final Deployment SAMPLE = Deployment.of(SpecLoader.load(Path.of("..", "..", "copilot", "subscriptions.yml")));

    /** Every ref as a readable name, the way a path would resolve it. */
    static JsonNode named(Ref ref) {
        return JsonNodeFactory.instance.textNode(ref.toString());
    }

    @Test
    void theWorkerIsGrantedExactlyWhatItCalls() {
        assertThat(SAMPLE.workerGrants()).extracting(Statement::actions).containsExactly(
                List.of("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility"),
                List.of("kms:Decrypt"),
                List.of("ecs:GetTaskProtection", "ecs:UpdateTaskProtection"));
        assertThat(SAMPLE.workerGrants()).extracting(s -> s.resources().getFirst())
                .containsExactly(Ref.WORKER_QUEUE, Ref.WORKER_KEY, Ref.CLUSTER_TASKS);
    }

    @Test
    void everyRuleAndTopicGetsOneQueueStatementPinnedToItsSource() {
        List<Statement> policy = SAMPLE.queuePolicy();

        assertThat(policy).extracting(Statement::sid)
                .containsExactly("PipekitDemoRuleOrderCreated", "PipekitDemoRuleS3ObjectCreated", "PipekitDemoTopicBillingTopic");
        assertThat(policy.getFirst().toJson(DeploymentTest::named).toString()).isEqualTo(
                "{\"Sid\":\"PipekitDemoRuleOrderCreated\",\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"events.amazonaws.com\"},"
                + "\"Action\":\"sqs:SendMessage\",\"Resource\":\"WorkerQueueArn[]\","
                + "\"Condition\":{\"ArnEquals\":{\"aws:SourceArn\":\"RuleArn[rule=order-created, bus=null]\"}}}");
        assertThat(SAMPLE.keyPolicy()).extracting(s -> ((Statement.Principal.Service) s.principal()).name())
                .containsExactly("events.amazonaws.com", "sns.amazonaws.com");
    }

    @Test
    void onlyARulesDeadLetterQueueNeedsAPolicy() {
        assertThat(SAMPLE.deadLetterQueues()).containsExactly("orders", "payments", "order-created");
        assertThat(SAMPLE.deadLetterQueuePolicy("orders")).isEmpty();
        assertThat(SAMPLE.deadLetterQueuePolicy("order-created")).singleElement()
                .satisfies(s -> assertThat(s.resources()).containsExactly(new Ref.DeadLetterQueueArn("order-created")));
    }

    @Test
    void theWorkerQueueRedrivesToItsDeadLetterQueueAndUsesItsKey() {
        assertThat(SAMPLE.workerQueueAttributes(r -> r.getClass().getSimpleName())).containsEntry("VisibilityTimeout", "120")
                .containsEntry("KmsMasterKeyId", "WorkerKeyArn")
                .containsEntry("RedrivePolicy", "{\"deadLetterTargetArn\":\"WorkerDeadLetterQueueArn\",\"maxReceiveCount\":5}")
                .doesNotContainKey("SqsManagedSseEnabled");
        assertThat(SAMPLE.workerDeadLetterQueueAttributes(r -> "key")).containsEntry("MessageRetentionPeriod", "1209600");
    }

    @Test
    void namesAreCheckedAgainstTheLimitForEachPrefix() {
        assertThat(SAMPLE.nameProblems("pipekit-demo-")).isEmpty();
        String prefix = "x".repeat(59) + "-";
        assertThat(SAMPLE.nameProblems(prefix)).contains(
                "pipe " + prefix + "orders (66 characters, at most 64)",
                "pipe role " + prefix + "orders (66 characters, at most 64)",
                "rule " + prefix + "order-created (73 characters, at most 64)");
    }
}
