package io.pipekit.it.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pipekit.it.deploy.CallRecorder.Call;
import io.pipekit.it.deploy.IamPolicy.Request;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Copilot path's grants as {@link CopilotGrants} reads them from Copilot's workload stack with the
 * override patch applied, and the check's teeth: each grant the patch adds is what makes its call
 * pass, so taking it out of the patch makes {@link GrantCheck} refuse the call. The calls here are
 * the ones {@link PermissionCrossCheckTest} records in the end-to-end run, written out.
 */
class CopilotGrantsTest {

    static final Call RECEIVE = new Call(RecordingEmbeddedStack.WORKER, "Sqs", "ReceiveMessage", "");
    static final Call DELETE = new Call(RecordingEmbeddedStack.WORKER, "Sqs", "DeleteMessageBatch", "");
    static final Call EXTEND = new Call(RecordingEmbeddedStack.WORKER, "Sqs", "ChangeMessageVisibilityBatch", "");
    static final Call RULE_SEND = new Call(RecordingEmbeddedStack.RULE, "Sqs", "SendMessage", "");

    private final CopilotGrants grants = new CopilotGrants(CopilotWorkloadStack.assemble(Repository.COPILOT_SERVICE));

    @Test
    void theTaskRoleConsumesTheQueueThroughThePatchedQueuePolicyAndNothingElse() {
        assertThat(GrantCheck.deniedCalls(grants, List.of(RECEIVE, DELETE, EXTEND))).isEmpty();
        String queue = grants.workerQueueArn();
        // TaskRole's identity policy grants no SQS at all on this path: the queue policy naming it does
        assertThat(IamPolicy.allows(grants.taskRoleStatements(), new Request("sqs:ReceiveMessage", queue, null, Map.of()))).isFalse();
        assertThat(IamPolicy.allowsRole(grants.taskRoleStatements(), grants.workerQueuePolicy(), grants.taskRoleArn(),
                new Request("sqs:SendMessage", queue, null, Map.of()))).isFalse();
        assertThat(IamPolicy.allowsRole(grants.taskRoleStatements(), grants.workerQueuePolicy(),
                "arn:aws:iam::" + Grants.ACCOUNT + ":role/someone-else", new Request("sqs:ReceiveMessage", queue, null, Map.of()))).isFalse();
        // Copilot's DenyIAM stays in force
        assertThat(IamPolicy.allowsRole(grants.taskRoleStatements(), List.of(), grants.taskRoleArn(),
                new Request("iam:PassRole", "*", null, Map.of()))).isFalse();
    }

    @Test
    void withoutThePatchsChangeMessageVisibilityOnlyTheHeartbeatIsRefused() {
        CopilotGrants without = new CopilotGrants(CopilotWorkloadStack.assemble(Repository.COPILOT_SERVICE,
                CopilotWorkloadStack.withoutPatchedAction("PipekitDemoWorkerQueue", "sqs:ChangeMessageVisibility")));
        assertThat(GrantCheck.deniedCalls(without, List.of(RECEIVE, DELETE))).as("Copilot's own QueuePolicy: Receive/Delete").isEmpty();
        assertThat(GrantCheck.deniedCalls(without, List.of(EXTEND))).singleElement().asString()
                .startsWith("task role lacks sqs:ChangeMessageVisibility");
    }

    @Test
    void eachAddonRuleIsAdmittedByThePatchedQueuePolicyAndKeyAndLosesThatWithItsStatement() {
        assertThat(grants.ruleArnsTargetingTheWorkerQueue()).as("the addon rules, named as the patch names them")
                .contains("arn:aws:events:us-east-1:123456789012:rule/pipekit-test-ingest-worker-order-created");
        assertThat(GrantCheck.deniedCalls(grants, List.of(RULE_SEND))).isEmpty();

        CopilotGrants noRule = new CopilotGrants(CopilotWorkloadStack.assemble(Repository.COPILOT_SERVICE,
                CopilotWorkloadStack.withoutPatchedAction("PipekitDemoRuleOrderCreated", "sqs:SendMessage")));
        assertThat(GrantCheck.deniedCalls(noRule, List.of(RULE_SEND))).singleElement().asString()
                .contains("order-created").contains("does not let events.amazonaws.com");

        CopilotGrants noKey = new CopilotGrants(CopilotWorkloadStack.assemble(Repository.COPILOT_SERVICE,
                CopilotWorkloadStack.withoutPatchedAction("PipekitDemoKeyForEventBridge", "kms:Decrypt")));
        assertThat(GrantCheck.deniedCalls(noKey, List.of(RULE_SEND))).isNotEmpty()
                .allSatisfy(line -> assertThat(line).contains("key policy does not let events.amazonaws.com").endsWith("kms:Decrypt"));
    }

    @Test
    void theSubscribedTopicIsAdmittedByThePatchedQueuePolicyAndLosesThatWithItsStatement() {
        assertThat(grants.topicsSubscribedToTheWorkerQueue()).extracting(Grants.Topic::topicArn)
                .containsExactly("arn:aws:sns:eu-west-1:123456789012:billing");
        assertThat(GrantCheck.topics(grants)).isEmpty();
        CopilotGrants without = new CopilotGrants(CopilotWorkloadStack.assemble(Repository.COPILOT_SERVICE,
                CopilotWorkloadStack.withoutPatchedAction("PipekitDemoTopicBillingTopic", "sqs:SendMessage")));
        assertThat(GrantCheck.topics(without)).singleElement().asString().contains("sns.amazonaws.com").contains("sqs:SendMessage");
    }

    @Test
    void theAddonPipesReadTheirSourcesAndSendToTheWorkerQueue() {
        assertThat(grants.pipes()).extracting(Grants.Pipe::sourceKind).contains("Kinesis", "DynamoDbStreams", "Sqs");
        assertThat(grants.pipes()).allSatisfy(p -> assertThat(p.target()).isEqualTo(grants.workerQueueArn()));
        List<Call> pipeCalls = List.of(new Call(RecordingEmbeddedStack.PIPE, "Sqs", "SendMessageBatch", ""),
                new Call(RecordingEmbeddedStack.PIPE, "Kinesis", "GetRecords", ""),
                new Call(RecordingEmbeddedStack.PIPE, "DynamoDbStreams", "GetRecords", ""));
        assertThat(GrantCheck.deniedCalls(grants, pipeCalls)).isEmpty();
    }

    @Test
    void aNegativeCaseCannotPassVacuously() {
        assertThatThrownBy(() -> CopilotWorkloadStack.assemble(Repository.COPILOT_SERVICE,
                CopilotWorkloadStack.withoutPatchedAction("PipekitDemoWorkerQueue", "sqs:SendMessage")))
                .hasMessageContaining("no statement PipekitDemoWorkerQueue granting sqs:SendMessage");
    }
}
