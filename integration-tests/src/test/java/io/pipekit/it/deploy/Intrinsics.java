package io.pipekit.it.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Evaluates CloudFormation's intrinsic functions in a template fragment to the value CloudFormation
 * would give it, for a stack whose resources, parameters and imports are known. Used to turn the
 * rendered policy documents into concrete ARNs (the deploy proofs compare them with what a real
 * call touched) — so it handles what pipekit renders: {@code Ref}, {@code Fn::GetAtt},
 * {@code Fn::Sub}, {@code Fn::Join}, {@code Fn::Select}, {@code Fn::Split}, {@code Fn::ImportValue},
 * {@code Fn::If} with the template's conditions, and {@code AWS::NoValue}. Anything else fails loudly.
 */
final class Intrinsics {

    /** What the stack's resources resolve to. */
    interface Resources {
        String ref(String logicalId);

        String getAtt(String logicalId, String attribute);
    }

    private static final Pattern SUB = Pattern.compile("\\$\\{([^}!][^}]*)}");
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    /** Marks a value removed by {@code AWS::NoValue}. */
    private static final JsonNode NO_VALUE = F.missingNode();

    private final JsonNode template;
    private final Map<String, String> parameters;
    private final Map<String, String> imports;
    private final Resources resources;
    private final String region;
    private final String account;

    Intrinsics(JsonNode template, Map<String, String> parameters, Map<String, String> imports, Resources resources,
               String region, String account) {
        this.template = template;
        this.parameters = parameters;
        this.imports = imports;
        this.resources = resources;
        this.region = region;
        this.account = account;
    }

    JsonNode resolve(JsonNode node) {
        if (node.isArray()) {
            ArrayNode out = F.arrayNode();
            node.forEach(n -> {
                JsonNode v = resolve(n);
                if (v != NO_VALUE) {
                    out.add(v);
                }
            });
            return out;
        }
        if (!node.isObject()) {
            return node;
        }
        if (node.size() == 1) {
            String key = node.fieldNames().next();
            JsonNode arg = node.get(key);
            switch (key) {
                case "Ref":
                    return arg.asText().equals("AWS::NoValue") ? NO_VALUE : TextNode.valueOf(ref(arg.asText()));
                case "Fn::GetAtt": {
                    List<String> parts = arg.isArray() ? List.of(arg.get(0).asText(), resolve(arg.get(1)).asText())
                            : List.of(arg.asText().split("\\.", 2));
                    return TextNode.valueOf(resources.getAtt(parts.get(0), parts.get(1)));
                }
                case "Fn::Sub":
                    return TextNode.valueOf(sub(arg));
                case "Fn::Join": {
                    List<String> items = new ArrayList<>();
                    resolve(arg.get(1)).forEach(v -> items.add(v.asText()));
                    return TextNode.valueOf(String.join(arg.get(0).asText(), items));
                }
                case "Fn::Select":
                    return resolve(arg.get(1)).get(Integer.parseInt(resolve(arg.get(0)).asText()));
                case "Fn::Split": {
                    ArrayNode out = F.arrayNode();
                    for (String s : resolve(arg.get(1)).asText().split(Pattern.quote(arg.get(0).asText()), -1)) {
                        out.add(s);
                    }
                    return out;
                }
                case "Fn::ImportValue": {
                    String name = resolve(arg).asText();
                    String value = imports.get(name);
                    if (value == null) {
                        throw new IllegalStateException("no export named " + name);
                    }
                    return TextNode.valueOf(value);
                }
                case "Fn::If":
                    return condition(arg.get(0).asText()) ? resolve(arg.get(1)) : resolve(arg.get(2));
                default:
                    if (key.startsWith("Fn::")) {
                        throw new IllegalStateException("intrinsic " + key + " is not supported here: " + node);
                    }
            }
        }
        ObjectNode out = F.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = resolve(e.getValue());
            if (v != NO_VALUE) {
                out.set(e.getKey(), v);
            }
        }
        return out;
    }

    /** The value of a template condition. */
    boolean condition(String name) {
        JsonNode c = template.path("Conditions").path(name);
        if (c.isMissingNode()) {
            throw new IllegalStateException("no condition " + name);
        }
        return truth(c);
    }

    private boolean truth(JsonNode c) {
        String key = c.fieldNames().next();
        JsonNode arg = c.get(key);
        return switch (key) {
            case "Fn::Equals" -> resolve(arg.get(0)).asText().equals(resolve(arg.get(1)).asText());
            case "Fn::Not" -> !truth(arg.get(0));
            case "Fn::And" -> {
                boolean all = true;
                for (JsonNode a : arg) {
                    all &= truth(a);
                }
                yield all;
            }
            case "Fn::Or" -> {
                boolean any = false;
                for (JsonNode a : arg) {
                    any |= truth(a);
                }
                yield any;
            }
            case "Condition" -> condition(arg.asText());
            default -> throw new IllegalStateException("condition function " + key + " is not supported");
        };
    }

    private String ref(String name) {
        return switch (name) {
            case "AWS::Region" -> region;
            case "AWS::AccountId" -> account;
            case "AWS::Partition" -> "aws";
            case "AWS::URLSuffix" -> "amazonaws.com";
            default -> {
                if (parameters.containsKey(name)) {
                    yield parameters.get(name);
                }
                JsonNode p = template.path("Parameters").path(name);
                if (p.has("Default")) {
                    yield p.get("Default").asText();
                }
                if (template.path("Resources").has(name)) {
                    yield resources.ref(name);
                }
                throw new IllegalStateException("Ref to unknown " + name);
            }
        };
    }

    private String sub(JsonNode arg) {
        String text = arg.isArray() ? arg.get(0).asText() : arg.asText();
        JsonNode vars = arg.isArray() ? arg.get(1) : F.objectNode();
        Matcher m = SUB.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String value;
            if (vars.has(name)) {
                value = resolve(vars.get(name)).asText();
            } else if (name.contains(".") && !name.startsWith("AWS::")) {
                String[] parts = name.split("\\.", 2);
                value = resources.getAtt(parts[0], parts[1]);
            } else {
                value = ref(name);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString().replace("${!", "${");
    }
}
