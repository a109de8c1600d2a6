package io.pipekit.it.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/**
 * Physical ids for a template's resources as AWS would shape them — a queue's {@code Ref} is its URL,
 * a rule's ARN has its {@code Name} — so that a template's policies can be evaluated against its own
 * resources' ARNs. Names given in the template are resolved with the template's intrinsics.
 */
final class MadeUpIds implements Intrinsics.Resources {

    private final StackTemplate template;
    private final String region;
    private final String account;
    private Intrinsics intrinsics;

    private MadeUpIds(StackTemplate template, String region, String account) {
        this.template = template;
        this.region = region;
        this.account = account;
    }

    /** The intrinsics of {@code template} over made-up physical ids. */
    static Intrinsics intrinsics(StackTemplate template, Map<String, String> parameters, Map<String, String> imports,
                                 String region, String account) {
        MadeUpIds ids = new MadeUpIds(template, region, account);
        ids.intrinsics = new Intrinsics(template.json(), parameters, imports, ids, region, account);
        return ids.intrinsics;
    }

    /** A made-up DynamoDB stream ARN for every {@code Fn::ImportValue} of a literal name in the template. */
    static void streamImports(JsonNode node, Map<String, String> imports, String region, String account) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals("Fn::ImportValue") && e.getValue().isTextual()) {
                    imports.putIfAbsent(e.getValue().asText(), "arn:aws:dynamodb:" + region + ":" + account + ":table/"
                            + e.getValue().asText() + "/stream/2026-12-02T00:00:00.000");
                } else {
                    streamImports(e.getValue(), imports, region, account);
                }
            }
        } else if (node.isArray()) {
            node.forEach(n -> streamImports(n, imports, region, account));
        }
    }

    @Override
    public String ref(String logicalId) {
        String type = template.resource(logicalId).path("Type").asText();
        JsonNode props = template.resource(logicalId).path("Properties");
        return switch (type) {
            case "AWS::SQS::Queue" -> "https://sqs." + region + ".amazonaws.com/" + account + "/"
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
            return "arn:aws:events:" + region + ":" + account + ":rule/" + (busName.equals("default") ? "" : busName + "/") + ref(logicalId);
        }
        return Arns.of(type, ref(logicalId), region, account);
    }
}
