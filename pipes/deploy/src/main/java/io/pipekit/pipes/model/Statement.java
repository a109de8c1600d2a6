package io.pipekit.pipes.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.function.Function;

/**
 * One IAM policy statement (identity, resource or key policy), always {@code Allow}. Written once in
 * {@link Deployment}; each path turns it into its policy JSON with {@link #toJson}.
 *
 * @param sid statement id, or null
 * @param principal null in an identity policy
 * @param condition null, or one condition such as {@code ArnEquals aws:SourceArn <rule>}
 */
public record Statement(String sid, Principal principal, List<String> actions, List<Ref> resources, Condition condition) {

    public Statement {
        actions = List.copyOf(actions);
        resources = List.copyOf(resources);
    }

    /** Who a resource or key policy statement admits. */
    public sealed interface Principal {
        /** A service principal such as {@code events.amazonaws.com}. */
        record Service(String name) implements Principal {}

        /** An IAM principal, e.g. the task role. */
        record Aws(Ref arn) implements Principal {}
    }

    /** One condition: {@code {operator: {key: value}}}. */
    public record Condition(String operator, String key, Ref value) {}

    /** An identity-policy statement. */
    public static Statement allow(String sid, List<String> actions, Ref... resources) {
        return new Statement(sid, null, actions, List.of(resources), null);
    }

    /** A resource-policy statement admitting a service, pinned to one source ARN. */
    public static Statement service(String sid, String service, List<String> actions, Ref resource, Condition condition) {
        return new Statement(sid, new Principal.Service(service), actions, List.of(resource), condition);
    }

    public Statement withPrincipal(Principal p) {
        return new Statement(sid, p, actions, resources, condition);
    }

    public Statement withSid(String s) {
        return new Statement(s, principal, actions, resources, condition);
    }

    /** IAM JSON, a single action or resource as a scalar; refs become whatever {@code resolve} makes of them. */
    public ObjectNode toJson(Function<Ref, JsonNode> resolve) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode s = f.objectNode();
        if (sid != null) {
            s.put("Sid", sid);
        }
        s.put("Effect", "Allow");
        switch (principal) {
            case null -> { }
            case Principal.Service svc -> s.putObject("Principal").put("Service", svc.name());
            case Principal.Aws aws -> s.putObject("Principal").set("AWS", resolve.apply(aws.arn()));
        }
        if (actions.size() == 1) {
            s.put("Action", actions.getFirst());
        } else {
            ArrayNode a = s.putArray("Action");
            actions.forEach(a::add);
        }
        if (resources.isEmpty()) {
            // a trust policy names no resource
        } else if (resources.size() == 1) {
            s.set("Resource", resolve.apply(resources.getFirst()));
        } else {
            ArrayNode r = s.putArray("Resource");
            resources.forEach(x -> r.add(resolve.apply(x)));
        }
        if (condition != null) {
            s.putObject("Condition").putObject(condition.operator()).set(condition.key(), resolve.apply(condition.value()));
        }
        return s;
    }

    /** A policy document of these statements. */
    public static ObjectNode document(List<Statement> statements, Function<Ref, JsonNode> resolve) {
        ObjectNode d = JsonNodeFactory.instance.objectNode().put("Version", Actions.POLICY_VERSION);
        ArrayNode st = d.putArray("Statement");
        statements.forEach(s -> st.add(s.toJson(resolve)));
        return d;
    }
}
