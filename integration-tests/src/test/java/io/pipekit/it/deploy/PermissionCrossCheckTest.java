package io.pipekit.it.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pipekit.it.deploy.CallRecorder.Call;
import io.pipekit.it.e2e.EndToEndSuite;
import io.pipekit.it.e2e.Stack;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The end-to-end suite run once more with every AWS call of the worker, the local pipes and the local
 * rules recorded ({@link CallRecorder}), then each call checked against the grants the rendered
 * standalone stack gives that principal: the worker's task role on the worker queue, each pipe's
 * role on its source and its target, and the worker queue's policy for events.amazonaws.com from
 * each rule. An SQS queue encrypted with a key of the stack adds the KMS calls SQS makes on the
 * caller's behalf (docs/aws-behaviour.md §9): GenerateDataKey and Decrypt for a send, Decrypt for a receive.
 *
 * <p>What the emulators call is what the AWS services call for the same work, with the exceptions
 * listed in {@link #EMULATOR_ONLY} (docs/deploy-testing.md).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PermissionCrossCheckTest extends EndToEndSuite {

    /**
     * Calls the emulators make that the AWS service makes without the principal's permission. The
     * local Pipes runtime and the local bus turn a target queue's ARN into its URL with
     * {@code GetQueueUrl}; AWS Pipes and EventBridge deliver to the ARN and need only
     * {@code sqs:SendMessage} (docs/aws-behaviour.md §1.11, §2.4), so the rendered policies rightly
     * do not grant it. The worker is given its queue URL and has no such exception.
     */
    static final Map<String, Set<String>> EMULATOR_ONLY = Map.of(
            RecordingEmbeddedStack.PIPE, Set.of("sqs:GetQueueUrl"),
            RecordingEmbeddedStack.RULE, Set.of("sqs:GetQueueUrl"));

    private RecordingEmbeddedStack recording;

    @Override
    protected Stack openStack() {
        recording = new RecordingEmbeddedStack();
        return recording;
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void everyCallOfTheSuiteIsGrantedToItsPrincipalByTheRenderedStandaloneStack() {
        List<Call> calls = recording.calls().stream()
                .sorted(Comparator.comparing(Call::principal).thenComparing(Call::service).thenComparing(Call::operation))
                .toList();
        Map<String, Set<String>> actions = calls.stream().collect(Collectors.groupingBy(Call::principal,
                Collectors.mapping(Call::iamAction, Collectors.toCollection(java.util.TreeSet::new))));
        System.out.println("IAM actions called in the end-to-end suite, by principal: " + actions);

        // the suite exercised every principal: a check of nothing proves nothing
        assertThat(actions.get(RecordingEmbeddedStack.WORKER)).contains("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility");
        assertThat(actions.get(RecordingEmbeddedStack.PIPE)).contains("sqs:SendMessage", "kinesis:GetRecords", "dynamodb:GetRecords");
        assertThat(actions.get(RecordingEmbeddedStack.RULE)).contains("sqs:SendMessage");

        RenderedGrants grants = new RenderedGrants(StackTemplate.read(Repository.STANDALONE));
        List<String> denied = new ArrayList<>();
        for (Call call : calls) {
            if (EMULATOR_ONLY.getOrDefault(call.principal(), Set.of()).contains(call.iamAction())) {
                continue;
            }
            denied.addAll(switch (call.principal()) {
                case RecordingEmbeddedStack.WORKER -> checkWorker(grants, call);
                case RecordingEmbeddedStack.PIPE -> checkPipes(grants, call);
                case RecordingEmbeddedStack.RULE -> checkRules(grants, call);
                default -> List.of("unknown principal of " + call);
            });
        }
        assertThat(denied.stream().distinct().toList()).as("calls of the end-to-end suite that the rendered stack does not grant").isEmpty();
    }

    private static List<String> checkWorker(RenderedGrants grants, Call call) {
        List<String> denied = new ArrayList<>();
        String queue = grants.workerQueueArn();
        if (!IamPolicy.allows(grants.taskRoleStatements(), new IamPolicy.Request(call.iamAction(), queue, null, Map.of()))) {
            denied.add("task role lacks " + call.iamAction() + " on " + queue + " (" + call + ")");
        }
        grants.workerQueueKeyArn().ifPresent(key -> {
            for (String kms : kmsFor(call)) {
                if (!IamPolicy.allows(grants.taskRoleStatements(), new IamPolicy.Request(kms, key, null, Map.of()))) {
                    denied.add("task role lacks " + kms + " on the queue's key " + key + " (" + call + ")");
                }
            }
        });
        return denied;
    }

    private static List<String> checkPipes(RenderedGrants grants, Call call) {
        List<String> denied = new ArrayList<>();
        boolean sourceCall = !call.service().equals("Sqs") || !call.operation().startsWith("SendMessage");
        List<RenderedGrants.Pipe> pipes = grants.pipes().stream()
                .filter(p -> !sourceCall || p.sourceKind().equals(call.service())).toList();
        if (pipes.isEmpty()) {
            return List.of("the stack renders no pipe reading a " + call.service() + " source (" + call + ")");
        }
        for (RenderedGrants.Pipe pipe : pipes) {
            String resource = sourceCall ? pipe.source() : pipe.target();
            if (!IamPolicy.allows(pipe.roleStatements(), new IamPolicy.Request(call.iamAction(), resource, null, Map.of()))) {
                denied.add(pipe.logicalId() + "'s role lacks " + call.iamAction() + " on " + resource + " (" + call + ")");
            }
            if (!sourceCall && resource.equals(grants.workerQueueArn())) {
                grants.workerQueueKeyArn().ifPresent(key -> kmsFor(call).forEach(kms -> {
                    if (!IamPolicy.allows(pipe.roleStatements(), new IamPolicy.Request(kms, key, null, Map.of()))) {
                        denied.add(pipe.logicalId() + "'s role lacks " + kms + " on the queue's key " + key);
                    }
                }));
            }
        }
        return denied;
    }

    private static List<String> checkRules(RenderedGrants grants, Call call) {
        List<String> denied = new ArrayList<>();
        List<String> rules = grants.ruleArnsTargetingTheWorkerQueue();
        if (rules.isEmpty()) {
            return List.of("the stack renders no rule targeting the worker queue (" + call + ")");
        }
        List<JsonNode> queuePolicy = grants.workerQueuePolicy();
        for (String rule : rules) {
            Map<String, String> context = Map.of("aws:SourceArn", rule, "aws:SourceAccount", RenderedGrants.ACCOUNT);
            if (!IamPolicy.allows(queuePolicy, new IamPolicy.Request(call.iamAction(), grants.workerQueueArn(), "events.amazonaws.com", context))) {
                denied.add("the worker queue's policy does not let " + rule + " call " + call.iamAction());
            }
            grants.workerQueueKeyArn().ifPresent(key -> kmsFor(call).forEach(kms -> {
                if (!IamPolicy.allows(grants.keyPolicy(key), new IamPolicy.Request(kms, "*", "events.amazonaws.com", context))
                        && !IamPolicy.allows(grants.keyPolicy(key), new IamPolicy.Request(kms, key, "events.amazonaws.com", context))) {
                    denied.add("the queue's key policy does not let events.amazonaws.com (" + rule + ") call " + kms);
                }
            }));
        }
        return denied;
    }

    /** The KMS calls SQS makes for the caller on a queue encrypted with a customer key. */
    private static List<String> kmsFor(Call call) {
        if (!call.service().equals("Sqs")) {
            return List.of();
        }
        return switch (call.iamAction()) {
            case "sqs:SendMessage" -> List.of("kms:GenerateDataKey", "kms:Decrypt");
            case "sqs:ReceiveMessage" -> List.of("kms:Decrypt");
            default -> List.of();
        };
    }
}
