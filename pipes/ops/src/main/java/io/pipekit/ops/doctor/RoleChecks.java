package io.pipekit.ops.doctor;

import io.pipekit.ops.OpsClients;
import io.pipekit.pipes.model.Actions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AttachedPolicy;
import software.amazon.awssdk.services.iam.model.EvaluationResult;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;
import software.amazon.awssdk.services.iam.model.PolicyEvaluationDecisionType;
import software.amazon.awssdk.services.iam.model.Role;
import software.amazon.awssdk.services.iam.model.SimulatePrincipalPolicyResponse;

/**
 * Whether a role may do what its job needs: IAM's own simulator ({@code iam:SimulatePrincipalPolicy},
 * which also sees permission boundaries) where the caller may call it and the endpoint has it;
 * otherwise the role's inline and attached policies are read and evaluated by {@link PolicyDocument}.
 */
final class RoleChecks {

    /** One permission a role needs; {@code severity} and {@code breaks} say what its absence does. */
    record Need(String action, String resource, Severity severity, String breaks) {}

    static final String READ_ACTIONS = "iam:SimulatePrincipalPolicy, or iam:GetRole, iam:ListRolePolicies, iam:GetRolePolicy, iam:ListAttachedRolePolicies, iam:GetPolicy and iam:GetPolicyVersion";

    private RoleChecks() {}

    /** The pipe role: source reads, target and DLQ sends, the target's key (docs/aws-behaviour.md §1.11). */
    static void pipeRole(OpsClients aws, String pipe, String roleArn, List<Need> needs, Findings out) {
        check(aws, "pipe-role", "pipe " + pipe, roleArn, "pipes.amazonaws.com", needs, need -> false, out);
    }

    /** The worker's ECS task role (docs/aws-behaviour.md §5, §6.3). */
    static void taskRole(OpsClients aws, QueueFacts queue, String roleArn, KeyChecks keys, Findings out) {
        String q = queue.arn();
        String consume = "the worker cannot consume " + queue.name();
        // exactly what the worker calls, as pipekit grants it (io.pipekit.pipes.model.Actions)
        Map<String, String> queueEffects = Map.of(
                "sqs:ReceiveMessage", consume,
                "sqs:DeleteMessage", "every handled message comes back after its visibility timeout and ends in the DLQ",
                "sqs:ChangeMessageVisibility", "the visibility heartbeat and the retry back-off fail: long handlers are redelivered while running (duplicates) and failed messages retry at the queue's timeout");
        List<Need> needs = new ArrayList<>();
        Actions.WORKER_QUEUE.forEach(a -> needs.add(new Need(a, q, Severity.ERROR, queueEffects.getOrDefault(a, consume))));
        Actions.TASK_PROTECTION.forEach(a -> needs.add(new Need(a, "arn:aws:ecs:*:*:task/*", Severity.WARNING,
                "task scale-in protection fails: a scale-in or deployment can stop a task mid-message (it is redelivered later)")));
        String key = keys.arn(queue.kmsKey());
        if (key != null) {
            Actions.WORKER_KEY.forEach(a -> needs.add(new Need(a, key, Severity.ERROR, "receives from the KMS-encrypted queue fail (KmsAccessDenied)")));
        }
        PolicyDocument queuePolicy = queue.policy() == null ? PolicyDocument.empty() : PolicyDocument.parse(queue.policy());
        // Copilot grants the task role Receive/Delete in the queue policy (docs/aws-behaviour.md §6.3): same account, either policy suffices
        Predicate<Need> byQueuePolicy = need -> need.resource().equals(q)
                && queuePolicy.allows(new PolicyDocument.Request("AWS:" + roleArn, need.action(), q, Map.of()));
        check(aws, "task-role", "task role", roleArn, "ecs-tasks.amazonaws.com", needs, byQueuePolicy, out);
    }

    private static void check(OpsClients aws, String check, String who, String roleArn, String trustedService, List<Need> needs,
            Predicate<Need> grantedElsewhere, Findings out) {
        IamClient iam = aws.iam();
        if (iam == null) {
            out.add(Finding.note(check, roleArn, "not checked: no IAM endpoint (an emulator without IAM)", "run doctor against AWS"));
            return;
        }
        String roleName = roleArn.substring(roleArn.lastIndexOf('/') + 1);
        Role role;
        try {
            role = iam.getRole(b -> b.roleName(roleName)).role();
        } catch (NoSuchEntityException e) {
            out.add(Finding.error(check, roleArn, "the " + who + "'s role does not exist: " + (check.equals("pipe-role") ? "the pipe cannot read its source or write its target" : "the worker gets no credentials"),
                    "create the role, or point the " + who + " at an existing one"));
            return;
        } catch (SdkException e) {
            if (!Aws.accessDenied(e)) {
                throw e;
            }
            role = null;
            out.add(Finding.unchecked(check + "-trust", roleArn, "iam:GetRole", null));
        }
        if (role != null) {
            PolicyDocument trust = PolicyDocument.parse(role.assumeRolePolicyDocument());
            if (!trust.allows(new PolicyDocument.Request("Service:" + trustedService, "sts:AssumeRole", roleArn,
                    Map.of("aws:SourceAccount", KeyChecks.account(roleArn))))) {
                out.add(Finding.error(check + "-trust", roleArn, "the role does not trust " + trustedService + ": the " + who + " cannot assume it",
                        "add a trust statement {\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"" + trustedService + "\"},\"Action\":\"sts:AssumeRole\"}"));
            }
        }
        List<Need> missing = simulate(iam, roleArn, needs);
        if (missing == null) {
            PolicyDocument identity = identityPolicies(iam, roleName);
            if (identity == null) {
                out.add(Finding.unchecked(check, roleArn, READ_ACTIONS, "to see what the " + who + "'s role may do"));
                return;
            }
            missing = needs.stream().filter(n -> !identity.allows(new PolicyDocument.Request(null, n.action(), n.resource(), Map.of()))).toList();
        }
        missing = missing.stream().filter(grantedElsewhere.negate()).toList();
        Map<Severity, List<Need>> bySeverity = missing.stream().collect(Collectors.groupingBy(Need::severity, LinkedHashMap::new, Collectors.toList()));
        bySeverity.forEach((severity, list) -> out.add(new Finding(severity, check, roleArn,
                "the " + who + "'s role lacks " + list.stream().map(n -> n.action() + " on " + n.resource()).collect(Collectors.joining(", ")) + ": "
                        + list.stream().map(Need::breaks).distinct().collect(Collectors.joining("; ")),
                "add to the role: " + statement(list))));
    }

    /** The needs IAM's simulator denies, or null when it cannot be used (refused or not implemented). */
    private static List<Need> simulate(IamClient iam, String roleArn, List<Need> needs) {
        List<Need> denied = new ArrayList<>();
        Map<String, List<Need>> byResource = needs.stream().collect(Collectors.groupingBy(Need::resource, LinkedHashMap::new, Collectors.toList()));
        try {
            for (Map.Entry<String, List<Need>> group : byResource.entrySet()) {
                String marker = null;
                do {
                    String m = marker;
                    SimulatePrincipalPolicyResponse r = iam.simulatePrincipalPolicy(b -> b.policySourceArn(roleArn)
                            .actionNames(group.getValue().stream().map(Need::action).toList())
                            .resourceArns(group.getKey()).marker(m));
                    for (EvaluationResult result : r.evaluationResults()) {
                        if (result.evalDecision() != PolicyEvaluationDecisionType.ALLOWED) {
                            group.getValue().stream().filter(n -> n.action().equalsIgnoreCase(result.evalActionName())).forEach(denied::add);
                        }
                    }
                    marker = Boolean.TRUE.equals(r.isTruncated()) ? r.marker() : null;
                } while (marker != null);
            }
            return denied;
        } catch (SdkException e) {
            // AccessDenied, or an endpoint without the simulator (moto): read and evaluate the policies instead
            return null;
        }
    }

    /** The role's inline and attached managed policies, or null when the caller may not read them. */
    private static PolicyDocument identityPolicies(IamClient iam, String roleName) {
        try {
            List<PolicyDocument> docs = new ArrayList<>();
            for (String name : iam.listRolePoliciesPaginator(b -> b.roleName(roleName)).policyNames()) {
                docs.add(PolicyDocument.parse(iam.getRolePolicy(b -> b.roleName(roleName).policyName(name)).policyDocument()));
            }
            for (AttachedPolicy attached : iam.listAttachedRolePoliciesPaginator(b -> b.roleName(roleName)).attachedPolicies()) {
                String version = iam.getPolicy(b -> b.policyArn(attached.policyArn())).policy().defaultVersionId();
                docs.add(PolicyDocument.parse(iam.getPolicyVersion(b -> b.policyArn(attached.policyArn()).versionId(version)).policyVersion().document()));
            }
            return PolicyDocument.union(docs);
        } catch (SdkException e) {
            if (Aws.accessDenied(e)) {
                return null;
            }
            throw e;
        }
    }

    private static String statement(List<Need> needs) {
        Map<String, List<String>> byResource = needs.stream().collect(Collectors.groupingBy(Need::resource, LinkedHashMap::new,
                Collectors.mapping(n -> "\"" + n.action() + "\"", Collectors.toList())));
        return byResource.entrySet().stream()
                .map(e -> "{\"Effect\":\"Allow\",\"Action\":[" + String.join(",", e.getValue()) + "],\"Resource\":\"" + e.getKey().replace("arn:aws:ecs:*:*:task/*", "arn:aws:ecs:<region>:<account>:task/<cluster>/*") + "\"}")
                .collect(Collectors.joining(" "));
    }
}
