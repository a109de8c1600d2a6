package io.pipekit.it.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.pipekit.it.deploy.CallRecorder.Call;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Recorded calls checked against a deployment's {@link Grants}, as AWS authorizes them in one account:
 *
 * <ul>
 *   <li>the worker's calls on its queue: granted by the task role's identity policy or by a queue
 *       policy statement naming the task role, with no explicit Deny in either; on a queue encrypted
 *       with a key of the deployment, the KMS calls SQS makes on the caller's behalf
 *       (docs/aws-behaviour.md §9: GenerateDataKey and Decrypt for a send, Decrypt for a receive) must
 *       be allowed by the key policy — naming the role, or the account so that the identity policy decides;</li>
 *   <li>each pipe's calls: its role's identity policy on its source and its target (and the key);</li>
 *   <li>each rule's and each subscribed topic's delivery: the worker queue's policy for
 *       events.amazonaws.com / sns.amazonaws.com with {@code aws:SourceArn} the rule or topic, and
 *       the key policy for that service.</li>
 * </ul>
 *
 * Every check returns what is denied, one line each; empty means all granted.
 */
final class GrantCheck {

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

    private GrantCheck() {}

    /** Every recorded call of the worker, the pipes and the rules that {@code grants} does not allow. */
    static List<String> deniedCalls(Grants grants, Collection<Call> calls) {
        List<String> denied = new ArrayList<>();
        for (Call call : calls) {
            if (EMULATOR_ONLY.getOrDefault(call.principal(), Set.of()).contains(call.iamAction())) {
                continue;
            }
            denied.addAll(switch (call.principal()) {
                case RecordingEmbeddedStack.WORKER -> worker(grants, call);
                case RecordingEmbeddedStack.PIPE -> pipes(grants, call);
                case RecordingEmbeddedStack.RULE -> rules(grants, call);
                default -> List.of("unknown principal of " + call);
            });
        }
        return denied.stream().distinct().toList();
    }

    static List<String> worker(Grants grants, Call call) {
        List<String> denied = new ArrayList<>();
        String queue = grants.workerQueueArn();
        String role = grants.taskRoleArn();
        if (!IamPolicy.allowsRole(grants.taskRoleStatements(), grants.workerQueuePolicy(), role,
                new IamPolicy.Request(call.iamAction(), queue, null, Map.of()))) {
            denied.add("task role lacks " + call.iamAction() + " on " + queue + " (" + call + ")");
        }
        grants.workerQueueKeyArn().ifPresent(key -> {
            for (String kms : kmsFor(call)) {
                if (!IamPolicy.keyAllowsRole(grants.taskRoleStatements(), grants.keyPolicy(key), role, Grants.ACCOUNT,
                        new IamPolicy.Request(kms, key, null, Map.of()))) {
                    denied.add("task role lacks " + kms + " on the queue's key " + key + " (" + call + ")");
                }
            }
        });
        return denied;
    }

    static List<String> pipes(Grants grants, Call call) {
        List<String> denied = new ArrayList<>();
        boolean sourceCall = !call.service().equals("Sqs") || !call.operation().startsWith("SendMessage");
        List<Grants.Pipe> pipes = grants.pipes().stream()
                .filter(p -> !sourceCall || p.sourceKind().equals(call.service())).toList();
        if (pipes.isEmpty()) {
            return List.of("the " + grants.label() + " renders no pipe reading a " + call.service() + " source (" + call + ")");
        }
        for (Grants.Pipe pipe : pipes) {
            String resource = sourceCall ? pipe.source() : pipe.target();
            if (!IamPolicy.allows(pipe.roleStatements(), new IamPolicy.Request(call.iamAction(), resource, null, Map.of()))) {
                denied.add(pipe.logicalId() + "'s role lacks " + call.iamAction() + " on " + resource + " (" + call + ")");
            }
            if (!sourceCall && resource.equals(grants.workerQueueArn())) {
                // the pipe's role is not named by the key policy: the account statement must delegate to its identity policy
                String role = "arn:aws:iam::" + Grants.ACCOUNT + ":role/" + pipe.logicalId();
                grants.workerQueueKeyArn().ifPresent(key -> kmsFor(call).forEach(kms -> {
                    if (!IamPolicy.keyAllowsRole(pipe.roleStatements(), grants.keyPolicy(key), role, Grants.ACCOUNT,
                            new IamPolicy.Request(kms, key, null, Map.of()))) {
                        denied.add(pipe.logicalId() + "'s role lacks " + kms + " on the queue's key " + key);
                    }
                }));
            }
        }
        return denied;
    }

    static List<String> rules(Grants grants, Call call) {
        List<String> rules = grants.ruleArnsTargetingTheWorkerQueue();
        if (rules.isEmpty()) {
            return List.of("the " + grants.label() + " renders no rule targeting the worker queue (" + call + ")");
        }
        List<String> denied = new ArrayList<>();
        for (String rule : rules) {
            denied.addAll(serviceDelivery(grants, "events.amazonaws.com", rule, call.iamAction(), kmsFor(call)));
        }
        return denied;
    }

    /**
     * What SNS does for each topic subscribed to the worker queue: {@code sqs:SendMessage} as
     * sns.amazonaws.com for that topic, and on an encrypted queue {@code kms:GenerateDataKey} and
     * {@code kms:Decrypt} (docs/aws-behaviour.md §9). No local component plays SNS, so these calls
     * are the documented ones rather than recorded ones.
     */
    static List<String> topics(Grants grants) {
        List<Grants.Topic> topics = grants.topicsSubscribedToTheWorkerQueue();
        if (topics.isEmpty()) {
            return List.of("the " + grants.label() + " subscribes no topic to the worker queue");
        }
        List<String> denied = new ArrayList<>();
        for (Grants.Topic topic : topics) {
            denied.addAll(serviceDelivery(grants, "sns.amazonaws.com", topic.topicArn(), "sqs:SendMessage",
                    List.of("kms:GenerateDataKey", "kms:Decrypt")));
        }
        return denied;
    }

    private static List<String> serviceDelivery(Grants grants, String service, String sourceArn, String action, List<String> kmsActions) {
        List<String> denied = new ArrayList<>();
        Map<String, String> context = Map.of("aws:SourceArn", sourceArn, "aws:SourceAccount", Grants.ACCOUNT);
        List<JsonNode> queuePolicy = grants.workerQueuePolicy();
        if (!IamPolicy.allows(queuePolicy, new IamPolicy.Request(action, grants.workerQueueArn(), service, context))) {
            denied.add("the worker queue's policy does not let " + service + " (" + sourceArn + ") call " + action);
        }
        grants.workerQueueKeyArn().ifPresent(key -> kmsActions.forEach(kms -> {
            List<JsonNode> keyPolicy = grants.keyPolicy(key);
            if (!IamPolicy.allows(keyPolicy, new IamPolicy.Request(kms, "*", service, context))
                    && !IamPolicy.allows(keyPolicy, new IamPolicy.Request(kms, key, service, context))) {
                denied.add("the queue's key policy does not let " + service + " (" + sourceArn + ") call " + kms);
            }
        }));
        return denied;
    }

    /** The KMS calls SQS makes for the caller on a queue encrypted with a customer key. */
    static List<String> kmsFor(Call call) {
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
