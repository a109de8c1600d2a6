package io.pipekit.it.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.iam.IamClient;

/**
 * Two gaps of moto 5.2.1's CloudFormation for {@code AWS::IAM::Role}, closed after a stack is
 * created so that IAM enforcement judges the template's real grants (docs/deploy-testing.md):
 *
 * <ul>
 *   <li>inline {@code Policies} are stored as objects instead of JSON text, and the first request
 *       signed with the role's credentials then fails with HTTP 500 ({@code KeyError:
 *       'policy_document'} in moto's access control) — each is written again, unchanged, with
 *       {@code iam:PutRolePolicy};</li>
 *   <li>{@code ManagedPolicyArns} are ignored (nothing is attached) — each is attached with
 *       {@code iam:AttachRolePolicy}.</li>
 * </ul>
 *
 * The documents are the template's own, with their intrinsics evaluated against the created stack.
 * One more difference is moto's, not the template's: moto authorizes a batch call as an action of
 * its own name ({@code sqs:DeleteMessageBatch}), where AWS authorizes it as the single-message
 * action ({@code sqs:DeleteMessage}; IAM has no batch actions, docs/aws-behaviour.md §9). So every
 * document written to moto also allows the batch name beside each single-message SQS action it
 * allows — and only there: a template without {@code sqs:DeleteMessage} stays without both.
 */
final class MotoIamGaps {

    /** The SQS batch operations and the IAM action AWS checks for each. */
    static final Map<String, String> SQS_BATCH_ACTIONS = Map.of(
            "sqs:SendMessage", "sqs:SendMessageBatch",
            "sqs:DeleteMessage", "sqs:DeleteMessageBatch",
            "sqs:ChangeMessageVisibility", "sqs:ChangeMessageVisibilityBatch");

    private MotoIamGaps() {}

    /** Returns what was re-applied, one line per policy, for the test log. */
    static List<String> close(IamClient iam, StackTemplate template, Stacks.Created stack, Intrinsics intrinsics) {
        List<String> applied = new ArrayList<>();
        for (String role : template.ofType("AWS::IAM::Role")) {
            JsonNode resource = template.resource(role);
            if (resource.has("Condition") && !intrinsics.condition(resource.get("Condition").asText())) {
                continue;
            }
            String roleName = stack.physicalId(role);
            JsonNode props = intrinsics.resolve(resource.path("Properties"));
            for (JsonNode policy : props.path("Policies")) {
                String name = policy.path("PolicyName").asText();
                iam.putRolePolicy(b -> b.roleName(roleName).policyName(name).policyDocument(withBatchNames(policy.path("PolicyDocument")).toString()));
                applied.add(role + ": inline " + name);
            }
            for (JsonNode arn : props.path("ManagedPolicyArns")) {
                if (arn.asText().matches("arn:aws[a-z-]*:iam::aws:policy/.*")) {
                    // an AWS managed policy (the execution role's): moto holds none unless told to load
                    // them all at start-up, and no proof here runs as the execution role
                    applied.add(role + ": not attached (AWS managed) " + arn.asText());
                    continue;
                }
                rewriteManagedPolicy(iam, arn.asText());
                iam.attachRolePolicy(b -> b.roleName(roleName).policyArn(arn.asText()));
                applied.add(role + ": attached " + arn.asText());
            }
        }
        return applied;
    }

    /** A stack's managed policy, as moto stored it (JSON text), gets a new default version with the batch names. */
    private static void rewriteManagedPolicy(IamClient iam, String arn) {
        String version = iam.getPolicy(b -> b.policyArn(arn)).policy().defaultVersionId();
        String text = java.net.URLDecoder.decode(iam.getPolicyVersion(b -> b.policyArn(arn).versionId(version))
                .policyVersion().document(), java.nio.charset.StandardCharsets.UTF_8);
        JsonNode document;
        try {
            document = CfnYaml.JSON.readTree(text);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("moto's document of " + arn + " is not JSON: " + text, e);
        }
        iam.createPolicyVersion(b -> b.policyArn(arn).policyDocument(withBatchNames(document).toString()).setAsDefault(true));
    }

    /** The document with each allowed single-message SQS action's batch name beside it. */
    static JsonNode withBatchNames(JsonNode document) {
        JsonNode copy = document.deepCopy();
        for (JsonNode statement : copy.path("Statement")) {
            JsonNode action = statement.path("Action");
            java.util.List<String> actions = new ArrayList<>();
            for (JsonNode a : action.isArray() ? action : List.of(action)) {
                actions.add(a.asText());
                String batch = SQS_BATCH_ACTIONS.get(a.asText());
                if (batch != null) {
                    actions.add(batch);
                }
            }
            com.fasterxml.jackson.databind.node.ArrayNode list = ((com.fasterxml.jackson.databind.node.ObjectNode) statement).putArray("Action");
            actions.forEach(list::add);
        }
        return copy;
    }

    /** {@link Intrinsics.Resources} for a stack created on moto: physical ids and ARNs built from them. */
    static Intrinsics.Resources of(StackTemplate template, Stacks.Created stack) {
        return new Intrinsics.Resources() {
            @Override
            public String ref(String logicalId) {
                return stack.physicalId(logicalId);
            }

            @Override
            public String getAtt(String logicalId, String attribute) {
                if (!attribute.equals("Arn")) {
                    throw new IllegalStateException("GetAtt " + logicalId + "." + attribute + " is not evaluated here");
                }
                return Arns.of(template.resource(logicalId).path("Type").asText(), stack.physicalId(logicalId),
                        MotoServer.REGION.id(), MotoServer.ACCOUNT);
            }
        };
    }
}
