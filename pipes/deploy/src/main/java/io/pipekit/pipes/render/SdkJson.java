package io.pipekit.pipes.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pipekit.pipes.model.Ref;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.core.util.SdkAutoConstructList;
import software.amazon.awssdk.core.util.SdkAutoConstructMap;

/**
 * Writes the model's SDK shapes (pipe parameters, rule targets) as CloudFormation properties.
 * CloudFormation's {@code AWS::Pipes::Pipe} and {@code AWS::Events::Rule} use the API's member names
 * (docs/aws-behaviour.md §7), so the SDK object is walked field by field and no property name is
 * written twice. ARNs in those objects are placeholders handed out by {@link #token}, replaced by the
 * flavour's intrinsic on the way out.
 */
final class SdkJson {

    private final Wiring wiring;
    private final Map<String, Ref> tokens = new HashMap<>();

    SdkJson(Wiring wiring) {
        this.wiring = wiring;
    }

    /** A placeholder string standing for {@code ref} inside an SDK object. */
    String token(Ref ref) {
        String t = "@@pipekit-ref-" + tokens.size() + "@@";
        tokens.put(t, ref);
        return t;
    }

    JsonNode json(Object value) {
        return switch (value) {
            case SdkPojo pojo -> {
                ObjectNode o = Cfn.obj();
                for (SdkField<?> f : pojo.sdkFields()) {
                    Object v = f.getValueOrDefault(pojo);
                    if (!unset(v)) {
                        o.set(f.memberName(), json(v));
                    }
                }
                yield o;
            }
            case List<?> list -> {
                ArrayNode a = Cfn.F.arrayNode();
                list.forEach(v -> a.add(json(v)));
                yield a;
            }
            case Map<?, ?> map -> {
                ObjectNode o = Cfn.obj();
                // sorted: the output must not depend on a map's iteration order
                new TreeMap<>(map).forEach((k, v) -> o.set(String.valueOf(k), json(v)));
                yield o;
            }
            case String s -> text(s);
            case Instant i -> Cfn.text(i.toString());
            case Integer i -> Cfn.F.numberNode(i);
            case Long l -> Cfn.F.numberNode(l);
            case Boolean b -> Cfn.F.booleanNode(b);
            default -> Cfn.text(String.valueOf(value));
        };
    }

    /** A string, or the intrinsic it is a placeholder for. */
    JsonNode text(String s) {
        Ref ref = tokens.get(s);
        return ref == null ? Cfn.text(s) : wiring.ref(ref);
    }

    /** Replaces placeholders anywhere in a tree (e.g. a parsed RedrivePolicy). */
    JsonNode resolve(JsonNode n) {
        if (n.isTextual()) {
            return text(n.asText());
        }
        if (n.isObject()) {
            ObjectNode o = Cfn.obj();
            n.fields().forEachRemaining(e -> o.set(e.getKey(), resolve(e.getValue())));
            return o;
        }
        if (n.isArray()) {
            ArrayNode a = Cfn.F.arrayNode();
            n.forEach(x -> a.add(resolve(x)));
            return a;
        }
        return n;
    }

    private static boolean unset(Object v) {
        return v == null || v instanceof SdkAutoConstructList<?> || v instanceof SdkAutoConstructMap<?, ?>;
    }
}
