package io.pipekit.pipes.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces CloudFormation intrinsics with the values CloudFormation would produce for a sample
 * account, so resource properties can be checked against the registry schemas (which describe
 * resolved values: an ARN pattern cannot match {@code {"Fn::GetAtt": ...}}).
 */
final class Intrinsics {

    static final String ACCOUNT = "123456789012";
    static final String REGION = "eu-west-1";
    private static final Pattern VAR = Pattern.compile("\\$\\{([^}]+)}");

    private final JsonNode resources;
    private final Map<String, String> parameters;

    Intrinsics(JsonNode template, Map<String, String> parameters) {
        this.resources = template.path("Resources");
        this.parameters = parameters;
    }

    JsonNode resolve(JsonNode n) {
        if (n.isObject() && n.size() == 1) {
            String key = n.fieldNames().next();
            JsonNode v = n.get(key);
            switch (key) {
                case "Ref" -> {
                    return text(ref(v.asText()));
                }
                case "Fn::GetAtt" -> {
                    return text(getAtt(v.get(0).asText(), v.get(1).asText()));
                }
                case "Fn::If" -> {
                    return resolve(v.get(1));
                }
                case "Fn::Sub" -> {
                    Map<String, String> vars = new java.util.HashMap<>();
                    if (v.isArray()) {
                        v.get(1).fields().forEachRemaining(e -> vars.put(e.getKey(), resolve(e.getValue()).asText()));
                        v = v.get(0);
                    }
                    Matcher m = VAR.matcher(v.asText());
                    StringBuilder sb = new StringBuilder();
                    while (m.find()) {
                        String name = m.group(1);
                        String value = vars.containsKey(name) ? vars.get(name) : name.contains(".") && !name.startsWith("AWS::")
                                ? getAtt(name.substring(0, name.indexOf('.')), name.substring(name.indexOf('.') + 1)) : ref(name);
                        m.appendReplacement(sb, Matcher.quoteReplacement(value));
                    }
                    m.appendTail(sb);
                    return text(sb.toString());
                }
                case "Fn::ImportValue" -> {
                    return text("arn:aws:dynamodb:" + REGION + ":" + ACCOUNT + ":table/imported/stream/2026-01-01T00:00:00.000");
                }
                default -> { }
            }
        }
        if (n.isObject()) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                out.set(e.getKey(), resolve(e.getValue()));
            }
            return out;
        }
        if (n.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            n.forEach(c -> out.add(resolve(c)));
            return out;
        }
        return n;
    }

    private String ref(String name) {
        switch (name) {
            case "AWS::AccountId" -> { return ACCOUNT; }
            case "AWS::Region" -> { return REGION; }
            case "AWS::Partition" -> { return "aws"; }
            default -> { }
        }
        if (parameters.containsKey(name)) {
            return parameters.get(name);
        }
        String type = resources.path(name).path("Type").asText();
        return switch (type) {
            case "AWS::SQS::Queue" -> "https://sqs." + REGION + ".amazonaws.com/" + ACCOUNT + "/" + name;
            case "AWS::IAM::ManagedPolicy" -> "arn:aws:iam::" + ACCOUNT + ":policy/" + name;
            case "" -> throw new AssertionError("Ref to unknown name " + name);
            default -> name;
        };
    }

    private String getAtt(String resource, String attribute) {
        String type = resources.path(resource).path("Type").asText();
        if (!attribute.equals("Arn")) {
            throw new AssertionError("unexpected GetAtt " + resource + "." + attribute);
        }
        return switch (type) {
            case "AWS::SQS::Queue" -> "arn:aws:sqs:" + REGION + ":" + ACCOUNT + ":" + resource;
            case "AWS::IAM::Role" -> "arn:aws:iam::" + ACCOUNT + ":role/" + resource;
            case "" -> throw new AssertionError("GetAtt of unknown resource " + resource);
            default -> "arn:aws:unknown:" + REGION + ":" + ACCOUNT + ":" + resource;
        };
    }

    private static JsonNode text(String s) {
        return JsonNodeFactory.instance.textNode(s);
    }
}
