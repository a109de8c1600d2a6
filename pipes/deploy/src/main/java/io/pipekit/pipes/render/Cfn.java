package io.pipekit.pipes.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * CloudFormation building blocks. Intrinsics use the long form ({@code Fn::Sub}, {@code Ref}) so the
 * output is plain YAML that any parser (and Copilot's YAML patcher) reads without custom tags.
 */
final class Cfn {

    static final JsonNodeFactory F = JsonNodeFactory.instance;
    static final String POLICY_VERSION = "2012-10-17";

    private static final YAMLMapper YAML = YAMLMapper.builder()
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
            .disable(YAMLGenerator.Feature.SPLIT_LINES)
            .build();

    private static final java.util.regex.Pattern DATE = java.util.regex.Pattern.compile(": (\\d{4}-\\d{2}-\\d{2})\n");

    private Cfn() {}

    static ObjectNode obj() {
        return F.objectNode();
    }

    static ArrayNode arr(JsonNode... items) {
        ArrayNode a = F.arrayNode();
        Arrays.stream(items).forEach(a::add);
        return a;
    }

    static ArrayNode strings(String... items) {
        ArrayNode a = F.arrayNode();
        Arrays.stream(items).forEach(a::add);
        return a;
    }

    static JsonNode text(String s) {
        return F.textNode(s);
    }

    static ObjectNode ref(String name) {
        return obj().put("Ref", name);
    }

    static ObjectNode getAtt(String resource, String attribute) {
        return obj().set("Fn::GetAtt", strings(resource, attribute));
    }

    static ObjectNode sub(String template) {
        return obj().put("Fn::Sub", template);
    }

    static ObjectNode importValue(String exportName) {
        return obj().put("Fn::ImportValue", exportName);
    }

    static ObjectNode resource(String type, ObjectNode properties) {
        ObjectNode r = obj().put("Type", type);
        r.set("Properties", properties);
        return r;
    }

    static ObjectNode statement(String sid, String effect, JsonNode actions, JsonNode resource) {
        ObjectNode s = obj();
        if (sid != null) {
            s.put("Sid", sid);
        }
        s.put("Effect", effect);
        s.set("Action", actions);
        s.set("Resource", resource);
        return s;
    }

    static ObjectNode policyDocument(JsonNode... statements) {
        ObjectNode d = obj().put("Version", POLICY_VERSION);
        d.set("Statement", arr(statements));
        return d;
    }

    static String yaml(JsonNode node) {
        try {
            // policy and template versions look like dates; quote them so no YAML 1.1 reader turns them into one
            return DATE.matcher(YAML.writeValueAsString(node)).replaceAll(": '$1'\n");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
