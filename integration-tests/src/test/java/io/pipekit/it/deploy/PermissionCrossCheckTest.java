package io.pipekit.it.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipekit.it.deploy.CallRecorder.Call;
import io.pipekit.it.e2e.EndToEndSuite;
import io.pipekit.it.e2e.Stack;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The end-to-end suite run once more with every AWS call of the worker, the local pipes and the local
 * rules recorded ({@link CallRecorder}), then each call checked ({@link GrantCheck}) against the
 * grants of both deployment paths:
 *
 * <ul>
 *   <li>the rendered standalone stack ({@link RenderedGrants}): the task role on the worker queue, each
 *       pipe's role on its source and target, the worker queue's policy and key policy for each rule;</li>
 *   <li>Copilot's workload stack as it stands after {@code overrides/cfn.patches.yml}
 *       ({@link CopilotGrants}): Copilot's TaskRole with the patch's inline policy together with the
 *       patched QueuePolicy and EventsKMSKey policy for the worker, the patched QueuePolicy and key
 *       policy for each addon rule, the addon pipe roles for the pipes.</li>
 * </ul>
 *
 * The subscribed topics' deliveries, which no local component makes, are checked as SNS documents
 * them. A labelled negative case takes one grant out of the override patch and shows the same
 * recorded calls are then refused. What the emulators call is what the AWS services call for the
 * same work, with the exceptions in {@link GrantCheck#EMULATOR_ONLY} (docs/deploy-testing.md).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PermissionCrossCheckTest extends EndToEndSuite {

    private RecordingEmbeddedStack recording;

    @Override
    protected Stack openStack() {
        recording = new RecordingEmbeddedStack();
        return recording;
    }

    @Test
    @Order(Integer.MAX_VALUE - 2)
    void everyCallOfTheSuiteIsGrantedToItsPrincipalByTheRenderedStandaloneStack() {
        RenderedGrants grants = new RenderedGrants(StackTemplate.read(Repository.STANDALONE));
        assertThat(GrantCheck.deniedCalls(grants, recordedCalls())).as("calls of the end-to-end suite that the standalone stack does not grant")
                .isEmpty();
        assertThat(GrantCheck.topics(grants)).as("topic deliveries the standalone stack does not grant").isEmpty();
    }

    @Test
    @Order(Integer.MAX_VALUE - 1)
    void everyCallOfTheSuiteIsGrantedToItsPrincipalByCopilotsStackWithTheOverridePatch() {
        CopilotGrants grants = new CopilotGrants(CopilotWorkloadStack.assemble(Repository.COPILOT_SERVICE));
        // the worker's queue grants on this path come from the patched QueuePolicy, not from TaskRole's identity policy
        assertThat(grants.workerQueuePolicy()).as("the patched QueuePolicy").anySatisfy(s -> assertThat(s.path("Sid").asText())
                .startsWith("Pipekit"));
        assertThat(GrantCheck.deniedCalls(grants, recordedCalls())).as("calls of the end-to-end suite that the Copilot path does not grant")
                .isEmpty();
        assertThat(GrantCheck.topics(grants)).as("topic deliveries the Copilot path does not grant").isEmpty();
    }

    /** Negative case: the same recorded calls against a patch without one grant are refused, naming it. */
    @Test
    @Order(Integer.MAX_VALUE)
    void withoutChangeMessageVisibilityInThePatchTheWorkersHeartbeatIsRefusedOnTheCopilotPath() {
        CopilotGrants without = new CopilotGrants(CopilotWorkloadStack.assemble(Repository.COPILOT_SERVICE,
                CopilotWorkloadStack.withoutPatchedAction("PipekitDemoWorkerQueue", "sqs:ChangeMessageVisibility")));
        List<String> denied = GrantCheck.deniedCalls(without, recordedCalls());
        System.out.println("denied with the patch's ChangeMessageVisibility removed: " + denied);
        // Copilot's own QueuePolicy gives TaskRole only Receive/Delete: the heartbeat's extension is what the patch adds
        assertThat(denied).isNotEmpty().allSatisfy(line -> assertThat(line).startsWith("task role lacks sqs:ChangeMessageVisibility"));

        CopilotGrants noEventsKey = new CopilotGrants(CopilotWorkloadStack.assemble(Repository.COPILOT_SERVICE,
                CopilotWorkloadStack.withoutPatchedAction("PipekitDemoKeyForEventBridge", "kms:GenerateDataKey")));
        assertThat(GrantCheck.deniedCalls(noEventsKey, recordedCalls())).as("rules without the key grant").isNotEmpty()
                .allSatisfy(line -> assertThat(line).contains("key policy does not let events.amazonaws.com").contains("kms:GenerateDataKey"));
    }

    private List<Call> recordedCalls() {
        List<Call> calls = recording.calls().stream()
                .sorted(Comparator.comparing(Call::principal).thenComparing(Call::service).thenComparing(Call::operation))
                .toList();
        Map<String, Set<String>> actions = calls.stream().collect(Collectors.groupingBy(Call::principal,
                Collectors.mapping(Call::iamAction, Collectors.toCollection(TreeSet::new))));
        System.out.println("IAM actions called in the end-to-end suite, by principal: " + actions);
        // the suite exercised every principal: a check of nothing proves nothing
        assertThat(actions.get(RecordingEmbeddedStack.WORKER)).contains("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility");
        assertThat(actions.get(RecordingEmbeddedStack.PIPE)).contains("sqs:SendMessage", "kinesis:GetRecords", "dynamodb:GetRecords");
        assertThat(actions.get(RecordingEmbeddedStack.RULE)).contains("sqs:SendMessage");
        return calls;
    }
}
