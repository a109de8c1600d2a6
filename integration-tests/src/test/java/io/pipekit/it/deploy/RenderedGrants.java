package io.pipekit.it.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The grants the rendered standalone stack gives each principal, with every intrinsic evaluated for
 * a stack whose resources carry made-up physical ids ({@link MadeUpIds}) — enough to compare the
 * template's policy ARNs with the template's own resource ARNs, which is what "the role may call X
 * on its source" means.
 */
final class RenderedGrants implements Grants {

    private final StackTemplate template;
    private final Intrinsics intrinsics;

    RenderedGrants(StackTemplate template) {
        this.template = template;
        Map<String, String> imports = new HashMap<>();
        MadeUpIds.streamImports(template.json(), imports, REGION, ACCOUNT);
        Map<String, String> parameters = template.parameterValues(
                Map.of("Subnets", "subnet-0a,subnet-0b", "SecurityGroup", "sg-0a", "VpcId", "vpc-0a"), "worker:proof");
        this.intrinsics = MadeUpIds.intrinsics(template, parameters, imports, REGION, ACCOUNT);
    }

    @Override
    public String label() {
        return "standalone stack";
    }

    @Override
    public String workerQueueArn() {
        return arn(template.workerQueue());
    }

    @Override
    public Optional<String> workerQueueKeyArn() {
        return StackTemplate.referenced(template.resource(template.workerQueue()).path("Properties").path("KmsMasterKeyId"))
                .map(this::arn);
    }

    @Override
    public String taskRoleArn() {
        return arn(template.taskRole());
    }

    @Override
    public List<JsonNode> taskRoleStatements() {
        return resolved(template.statementsOf(template.taskRole()), intrinsics);
    }

    @Override
    public List<Pipe> pipes() {
        return pipesOf(template, intrinsics);
    }

    /** The pipes of a template, their sources and targets resolved with its intrinsics. */
    static List<Pipe> pipesOf(StackTemplate template, Intrinsics intrinsics) {
        List<Pipe> pipes = new ArrayList<>();
        for (String id : template.ofType("AWS::Pipes::Pipe")) {
            JsonNode props = template.resource(id).path("Properties");
            JsonNode sourceParameters = props.path("SourceParameters");
            String kind = sourceParameters.has("KinesisStreamParameters") ? "Kinesis"
                    : sourceParameters.has("DynamoDBStreamParameters") ? "DynamoDbStreams"
                    : sourceParameters.has("SqsQueueParameters") ? "Sqs" : "other";
            String role = StackTemplate.referenced(props.path("RoleArn")).orElseThrow();
            pipes.add(new Pipe(id, kind, intrinsics.resolve(props.path("Source")).asText(),
                    intrinsics.resolve(props.path("Target")).asText(), resolved(template.statementsOf(role), intrinsics)));
        }
        return pipes;
    }

    @Override
    public List<String> ruleArnsTargetingTheWorkerQueue() {
        return rulesTargeting(template, intrinsics, workerQueueArn());
    }

    /** ARNs of a template's rules with a target whose ARN resolves to {@code queueArn}. */
    static List<String> rulesTargeting(StackTemplate template, Intrinsics intrinsics, String queueArn) {
        List<String> arns = new ArrayList<>();
        for (String id : template.ofType("AWS::Events::Rule")) {
            JsonNode targets = intrinsics.resolve(template.resource(id).path("Properties").path("Targets"));
            for (JsonNode t : targets) {
                if (t.path("Arn").asText().equals(queueArn)) {
                    arns.add(intrinsics.resolve(getAttArn(id)).asText());
                }
            }
        }
        return arns;
    }

    @Override
    public List<Topic> topicsSubscribedToTheWorkerQueue() {
        return topicsDeliveringTo(template, intrinsics, workerQueueArn());
    }

    /** A template's SQS subscriptions whose endpoint resolves to {@code queueArn}. */
    static List<Topic> topicsDeliveringTo(StackTemplate template, Intrinsics intrinsics, String queueArn) {
        List<Topic> topics = new ArrayList<>();
        for (String id : template.ofType("AWS::SNS::Subscription")) {
            JsonNode props = intrinsics.resolve(template.resource(id).path("Properties"));
            if (props.path("Protocol").asText().equals("sqs") && props.path("Endpoint").asText().equals(queueArn)) {
                topics.add(new Topic(id, props.path("TopicArn").asText(), queueArn));
            }
        }
        return topics;
    }

    @Override
    public List<JsonNode> workerQueuePolicy() {
        return queuePolicyOf(template, intrinsics, template.workerQueue());
    }

    /** The statements of every queue policy of a template that covers one of its queues. */
    static List<JsonNode> queuePolicyOf(StackTemplate template, Intrinsics intrinsics, String queue) {
        List<JsonNode> statements = new ArrayList<>();
        String queueUrl = intrinsics.resolve(CfnYaml.JSON.createObjectNode().put("Ref", queue)).asText();
        for (String id : template.ofType("AWS::SQS::QueuePolicy")) {
            JsonNode props = intrinsics.resolve(template.resource(id).path("Properties"));
            if (IamPolicy.values(props.path("Queues")).contains(queueUrl)) {
                props.path("PolicyDocument").path("Statement").forEach(statements::add);
            }
        }
        return statements;
    }

    @Override
    public List<JsonNode> keyPolicy(String keyArn) {
        return keyPolicyOf(template, intrinsics, keyArn);
    }

    /** The statements of the key policy of a template's key. */
    static List<JsonNode> keyPolicyOf(StackTemplate template, Intrinsics intrinsics, String keyArn) {
        for (String id : template.ofType("AWS::KMS::Key")) {
            if (intrinsics.resolve(getAttArn(id)).asText().equals(keyArn)) {
                List<JsonNode> statements = new ArrayList<>();
                intrinsics.resolve(template.resource(id).path("Properties").path("KeyPolicy").path("Statement")).forEach(statements::add);
                return statements;
            }
        }
        return List.of();
    }

    static List<JsonNode> resolved(List<? extends JsonNode> statements, Intrinsics intrinsics) {
        List<JsonNode> out = new ArrayList<>();
        statements.forEach(s -> out.add(intrinsics.resolve(s)));
        return out;
    }

    private String arn(String logicalId) {
        return intrinsics.resolve(getAttArn(logicalId)).asText();
    }

    static JsonNode getAttArn(String logicalId) {
        return CfnYaml.JSON.createObjectNode().set("Fn::GetAtt", CfnYaml.JSON.createArrayNode().add(logicalId).add("Arn"));
    }
}
