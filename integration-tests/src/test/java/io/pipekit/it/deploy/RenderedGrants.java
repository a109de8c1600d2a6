package io.pipekit.it.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The grants a rendered stack gives each principal, with every intrinsic evaluated for a stack
 * whose resources carry made-up physical ids (a queue's URL, a role's name) — enough to compare the
 * template's policy ARNs with the template's own resource ARNs, which is what "the role may call X
 * on its source" means.
 */
final class RenderedGrants {

    static final String REGION = "us-east-1";
    static final String ACCOUNT = "123456789012";

    /** A pipe of the stack: what it reads, where it sends, the statements of its role. */
    record Pipe(String logicalId, String sourceKind, String source, String target, List<JsonNode> roleStatements) {}

    private final StackTemplate template;
    private final Intrinsics intrinsics;

    RenderedGrants(StackTemplate template) {
        this.template = template;
        Map<String, String> imports = new HashMap<>();
        collectImports(template.json(), imports);
        Map<String, String> parameters = template.parameterValues(
                Map.of("Subnets", "subnet-0a,subnet-0b", "SecurityGroup", "sg-0a", "VpcId", "vpc-0a"), "worker:proof");
        this.intrinsics = new Intrinsics(template.json(), parameters, imports, new MadeUpIds(), REGION, ACCOUNT);
    }

    String workerQueueArn() {
        return arn(template.workerQueue());
    }

    /** The key the worker queue is encrypted with, when it is a key of this stack. */
    Optional<String> workerQueueKeyArn() {
        return StackTemplate.referenced(template.resource(template.workerQueue()).path("Properties").path("KmsMasterKeyId"))
                .map(this::arn);
    }

    List<JsonNode> taskRoleStatements() {
        return resolved(template.statementsOf(template.taskRole()));
    }

    List<Pipe> pipes() {
        List<Pipe> pipes = new ArrayList<>();
        for (String id : template.ofType("AWS::Pipes::Pipe")) {
            JsonNode props = template.resource(id).path("Properties");
            JsonNode sourceParameters = props.path("SourceParameters");
            String kind = sourceParameters.has("KinesisStreamParameters") ? "Kinesis"
                    : sourceParameters.has("DynamoDBStreamParameters") ? "DynamoDbStreams"
                    : sourceParameters.has("SqsQueueParameters") ? "Sqs" : "other";
            String role = StackTemplate.referenced(props.path("RoleArn")).orElseThrow();
            pipes.add(new Pipe(id, kind, intrinsics.resolve(props.path("Source")).asText(),
                    intrinsics.resolve(props.path("Target")).asText(), resolved(template.statementsOf(role))));
        }
        return pipes;
    }

    /** ARNs of the stack's rules that target the worker queue. */
    List<String> ruleArnsTargetingTheWorkerQueue() {
        List<String> arns = new ArrayList<>();
        for (String id : template.ofType("AWS::Events::Rule")) {
            JsonNode targets = intrinsics.resolve(template.resource(id).path("Properties").path("Targets"));
            for (JsonNode t : targets) {
                if (t.path("Arn").asText().equals(workerQueueArn())) {
                    arns.add(arn(id));
                }
            }
        }
        return arns;
    }

    /** The statements of every queue policy of the stack that covers the worker queue. */
    List<JsonNode> workerQueuePolicy() {
        List<JsonNode> statements = new ArrayList<>();
        String queueUrl = intrinsics.resolve(refOf(template.workerQueue())).asText();
        for (String id : template.ofType("AWS::SQS::QueuePolicy")) {
            JsonNode props = intrinsics.resolve(template.resource(id).path("Properties"));
            if (IamPolicy.values(props.path("Queues")).contains(queueUrl)) {
                props.path("PolicyDocument").path("Statement").forEach(statements::add);
            }
        }
        return statements;
    }

    /** The statements of the key policy of a key of this stack. */
    List<JsonNode> keyPolicy(String keyArn) {
        for (String id : template.ofType("AWS::KMS::Key")) {
            if (arn(id).equals(keyArn)) {
                List<JsonNode> statements = new ArrayList<>();
                intrinsics.resolve(template.resource(id).path("Properties").path("KeyPolicy").path("Statement")).forEach(statements::add);
                return statements;
            }
        }
        return List.of();
    }

    private List<JsonNode> resolved(List<? extends JsonNode> statements) {
        List<JsonNode> out = new ArrayList<>();
        statements.forEach(s -> out.add(intrinsics.resolve(s)));
        return out;
    }

    private String arn(String logicalId) {
        return intrinsics.resolve(CfnYaml.JSON.createObjectNode().set("Fn::GetAtt", CfnYaml.JSON.createArrayNode().add(logicalId).add("Arn"))).asText();
    }

    private static JsonNode refOf(String logicalId) {
        return CfnYaml.JSON.createObjectNode().put("Ref", logicalId);
    }

    private static void collectImports(JsonNode node, Map<String, String> imports) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals("Fn::ImportValue") && e.getValue().isTextual()) {
                    imports.put(e.getValue().asText(), "arn:aws:dynamodb:" + REGION + ":" + ACCOUNT + ":table/"
                            + e.getValue().asText() + "/stream/2026-12-02T00:00:00.000");
                } else {
                    collectImports(e.getValue(), imports);
                }
            }
        } else if (node.isArray()) {
            node.forEach(n -> collectImports(n, imports));
        }
    }

    /** Physical ids as AWS would shape them: a queue's Ref is its URL, a rule's ARN has its Name. */
    private final class MadeUpIds implements Intrinsics.Resources {
        @Override
        public String ref(String logicalId) {
            String type = template.resource(logicalId).path("Type").asText();
            JsonNode props = template.resource(logicalId).path("Properties");
            return switch (type) {
                case "AWS::SQS::Queue" -> "https://sqs." + REGION + ".amazonaws.com/" + ACCOUNT + "/"
                        + (props.has("QueueName") ? intrinsics.resolve(props.get("QueueName")).asText() : "stack-" + logicalId);
                case "AWS::Events::Rule", "AWS::Pipes::Pipe", "AWS::ECS::Cluster" ->
                        props.has("Name") ? intrinsics.resolve(props.get("Name")).asText()
                                : props.has("ClusterName") ? intrinsics.resolve(props.get("ClusterName")).asText() : "stack-" + logicalId;
                default -> "stack-" + logicalId;
            };
        }

        @Override
        public String getAtt(String logicalId, String attribute) {
            if (!attribute.equals("Arn")) {
                throw new IllegalStateException("GetAtt " + logicalId + "." + attribute + " is not evaluated here");
            }
            String type = template.resource(logicalId).path("Type").asText();
            if (type.equals("AWS::Events::Rule")) {
                JsonNode bus = template.resource(logicalId).path("Properties").path("EventBusName");
                String busName = bus.isMissingNode() ? "default" : intrinsics.resolve(bus).asText();
                return "arn:aws:events:" + REGION + ":" + ACCOUNT + ":rule/" + (busName.equals("default") ? "" : busName + "/") + ref(logicalId);
            }
            return Arns.of(type, ref(logicalId), REGION, ACCOUNT);
        }
    }
}
