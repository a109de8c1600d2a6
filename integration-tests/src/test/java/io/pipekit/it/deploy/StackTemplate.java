package io.pipekit.it.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A CloudFormation template read as data, with the questions the deploy proofs ask of pipekit's
 * rendered stacks: which resource is the worker's queue, which role the worker's task runs as,
 * and what that role is granted. Resources are found by what they are (type and wiring), not by
 * logical id, so the proofs hold whatever the renderer names them.
 */
public record StackTemplate(ObjectNode json) {

    public static StackTemplate read(Path file) {
        return new StackTemplate((ObjectNode) CfnYaml.read(file));
    }

    public StackTemplate copy() {
        return new StackTemplate(json.deepCopy());
    }

    public String toJson() {
        return json.toString();
    }

    public JsonNode resources() {
        return json.path("Resources");
    }

    public JsonNode resource(String logicalId) {
        JsonNode r = resources().path(logicalId);
        if (r.isMissingNode()) {
            throw new IllegalStateException("no resource " + logicalId + " in the template");
        }
        return r;
    }

    /** Logical ids of the resources of this type, in template order. */
    public List<String> ofType(String type) {
        List<String> ids = new ArrayList<>();
        resources().fields().forEachRemaining(e -> {
            if (type.equals(e.getValue().path("Type").asText())) {
                ids.add(e.getKey());
            }
        });
        return ids;
    }

    public Set<String> types() {
        Set<String> types = new TreeSet<>();
        resources().forEach(r -> types.add(r.path("Type").asText()));
        return types;
    }

    /** The one resource of this type; fails naming what was found otherwise. */
    public String single(String type) {
        List<String> ids = ofType(type);
        if (ids.size() != 1) {
            throw new IllegalStateException("expected exactly one " + type + " in the template, found " + ids);
        }
        return ids.get(0);
    }

    /** The logical id a {@code Ref} or {@code Fn::GetAtt [X, ...]} points at, if the value is one. */
    static Optional<String> referenced(JsonNode value) {
        if (value.has("Ref")) {
            return Optional.of(value.get("Ref").asText());
        }
        if (value.has("Fn::GetAtt")) {
            JsonNode getAtt = value.get("Fn::GetAtt");
            return Optional.of(getAtt.isArray() ? getAtt.get(0).asText() : getAtt.asText().split("\\.", 2)[0]);
        }
        return Optional.empty();
    }

    /** The role the worker's task runs as: the task definition's {@code TaskRoleArn}. */
    public String taskRole() {
        JsonNode arn = resource(single("AWS::ECS::TaskDefinition")).path("Properties").path("TaskRoleArn");
        return referenced(arn).orElseThrow(() -> new IllegalStateException("TaskRoleArn is not a role of this stack: " + arn));
    }

    /** The worker's queue: the target of every pipe of the stack. */
    public String workerQueue() {
        Set<String> targets = new TreeSet<>();
        for (String pipe : ofType("AWS::Pipes::Pipe")) {
            referenced(resource(pipe).path("Properties").path("Target")).ifPresent(targets::add);
        }
        if (targets.size() != 1) {
            throw new IllegalStateException("expected the pipes to share one target queue, found " + targets);
        }
        return targets.iterator().next();
    }

    /** The dead-letter queue of a queue, from its redrive policy. */
    public Optional<String> deadLetterQueueOf(String queue) {
        return referenced(resource(queue).path("Properties").path("RedrivePolicy").path("deadLetterTargetArn"));
    }

    /**
     * Every policy statement that applies to a role: its inline {@code Policies}, the managed
     * policies of this stack it lists in {@code ManagedPolicyArns}, and the stack's policies that
     * name it in {@code Roles}.
     */
    List<ObjectNode> statementsOf(String role) {
        List<ObjectNode> statements = new ArrayList<>();
        JsonNode props = resource(role).path("Properties");
        props.path("Policies").forEach(p -> p.path("PolicyDocument").path("Statement").forEach(s -> statements.add((ObjectNode) s)));
        Set<String> managed = new TreeSet<>();
        props.path("ManagedPolicyArns").forEach(a -> referenced(a).ifPresent(managed::add));
        for (String type : List.of("AWS::IAM::ManagedPolicy", "AWS::IAM::Policy", "AWS::IAM::RolePolicy")) {
            for (String id : ofType(type)) {
                JsonNode p = resource(id).path("Properties");
                boolean names = false;
                for (JsonNode r : p.path("Roles")) {
                    names |= referenced(r).map(role::equals).orElse(false);
                }
                names |= referenced(p.path("RoleName")).map(role::equals).orElse(false);
                if (names || managed.contains(id)) {
                    p.path("PolicyDocument").path("Statement").forEach(s -> statements.add((ObjectNode) s));
                }
            }
        }
        return statements;
    }

    /**
     * A copy in which no statement that applies to {@code role} allows {@code action} any more
     * (statements left with no action are dropped). Refuses when a wildcard grants it: removing one
     * grant must not silently remove others.
     */
    public StackTemplate withoutGrant(String role, String action) {
        StackTemplate copy = copy();
        int removed = 0;
        for (ObjectNode statement : copy.statementsOf(role)) {
            JsonNode actions = statement.path("Action");
            List<String> kept = new ArrayList<>();
            for (JsonNode a : actions.isArray() ? actions : List.of(actions)) {
                String name = a.asText();
                if (name.equalsIgnoreCase(action)) {
                    removed++;
                } else if (name.contains("*") && IamPolicy.matches(name, action)) {
                    throw new IllegalStateException(action + " is granted to " + role + " by the wildcard " + name);
                } else {
                    kept.add(name);
                }
            }
            if (kept.isEmpty()) {
                statement.removeAll();  // an empty statement would be invalid; it is pruned below
            } else {
                ArrayNode list = statement.putArray("Action");
                kept.forEach(list::add);
            }
        }
        if (removed == 0) {
            throw new IllegalStateException(role + " is not granted " + action + " by the template");
        }
        copy.pruneEmptyStatements();
        return copy;
    }

    /** A copy with every occurrence of a literal (say a foreign topic's ARN) replaced in every string of the template. */
    public StackTemplate replacingText(String literal, String replacement) {
        try {
            return new StackTemplate((ObjectNode) CfnYaml.JSON.readTree(toJson().replace(literal, replacement)));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A copy without the resources of these types, for an emulator that cannot create them: every
     * {@code Ref}, {@code Fn::GetAtt} and {@code Fn::Sub} reference to a removed resource becomes a
     * placeholder of the shape AWS would give it (a name, or an ARN naming the removed id), its
     * {@code DependsOn} entries go, and so do the outputs that name it. What stays is the template's
     * own wiring between the resources that remain.
     */
    public StackTemplate withoutTypes(Set<String> types, String region, String account) {
        StackTemplate copy = copy();
        Map<String, String> removed = new LinkedHashMap<>();
        for (String type : types) {
            copy.ofType(type).forEach(id -> removed.put(id, type));
        }
        ObjectNode resources = (ObjectNode) copy.json.path("Resources");
        removed.keySet().forEach(resources::remove);
        for (Iterator<JsonNode> r = resources.elements(); r.hasNext(); ) {
            ObjectNode resource = (ObjectNode) r.next();
            JsonNode dependsOn = resource.path("DependsOn");
            List<String> kept = new ArrayList<>();
            (dependsOn.isArray() ? dependsOn : List.of(dependsOn)).forEach(d -> {
                if (!d.isMissingNode() && !removed.containsKey(d.asText())) {
                    kept.add(d.asText());
                }
            });
            if (!dependsOn.isMissingNode()) {
                ArrayNode list = resource.putArray("DependsOn");
                kept.forEach(list::add);
            }
            if (resource.has("Properties")) {
                resource.set("Properties", placeholders(resource.get("Properties"), removed, region, account));
            }
        }
        if (copy.json.has("Outputs")) {
            for (Iterator<JsonNode> o = copy.json.get("Outputs").elements(); o.hasNext(); ) {
                JsonNode output = o.next();
                if (!placeholders(output, removed, region, account).equals(output)) {
                    o.remove();
                }
            }
        }
        return copy;
    }

    private static JsonNode placeholders(JsonNode node, Map<String, String> removed, String region, String account) {
        if (node.isObject()) {
            Optional<String> target = node.size() == 1 ? referenced(node) : Optional.empty();
            if (target.isPresent() && removed.containsKey(target.get())) {
                String id = target.get();
                // a scaling policy's, a task definition's and a service's Ref is their ARN
                boolean refIsArn = Set.of("AWS::ApplicationAutoScaling::ScalingPolicy", "AWS::ECS::TaskDefinition", "AWS::ECS::Service")
                        .contains(removed.get(id));
                return node.has("Ref") && !refIsArn ? TextNode.valueOf(placeholderName(id))
                        : TextNode.valueOf(placeholderArn(removed.get(id), id, region, account));
            }
            ObjectNode out = CfnYaml.JSON.createObjectNode();
            node.fields().forEachRemaining(e -> out.set(e.getKey(), placeholders(e.getValue(), removed, region, account)));
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = CfnYaml.JSON.createArrayNode();
            node.forEach(n -> out.add(placeholders(n, removed, region, account)));
            return out;
        }
        if (node.isTextual() && node.asText().contains("${")) {
            String text = node.asText();
            for (Map.Entry<String, String> e : removed.entrySet()) {
                text = text.replace("${" + e.getKey() + ".Arn}", placeholderArn(e.getValue(), e.getKey(), region, account))
                        .replaceAll("\\$\\{" + java.util.regex.Pattern.quote(e.getKey()) + "(\\.[A-Za-z.]+)?}", placeholderName(e.getKey()));
            }
            return TextNode.valueOf(text);
        }
        return node;
    }

    private static String placeholderName(String logicalId) {
        return "removed-" + logicalId.toLowerCase();
    }

    private static String placeholderArn(String type, String logicalId, String region, String account) {
        try {
            return Arns.of(type, placeholderName(logicalId), region, account);
        } catch (IllegalStateException unknownFormat) {
            String service = type.split("::")[1].toLowerCase();
            return "arn:aws:" + service + ":" + region + ":" + account + ":" + placeholderName(logicalId);
        }
    }

    private void pruneEmptyStatements() {
        for (Iterator<JsonNode> r = resources().elements(); r.hasNext(); ) {
            JsonNode props = r.next().path("Properties");
            List<JsonNode> documents = new ArrayList<>();
            props.path("Policies").forEach(p -> documents.add(p.path("PolicyDocument")));
            documents.add(props.path("PolicyDocument"));
            for (JsonNode doc : documents) {
                if (doc.path("Statement").isArray()) {
                    for (Iterator<JsonNode> s = doc.get("Statement").elements(); s.hasNext(); ) {
                        if (s.next().isEmpty()) {
                            s.remove();
                        }
                    }
                }
            }
        }
    }

    /** Values for the parameters without a default, chosen by their type from what the sources stack made. */
    public Map<String, String> parameterValues(Map<String, String> sources, String image) {
        Map<String, String> values = new LinkedHashMap<>();
        List<String> unknown = new ArrayList<>();
        json.path("Parameters").fields().forEachRemaining(p -> {
            if (p.getValue().has("Default")) {
                return;
            }
            String type = p.getValue().path("Type").asText();
            String name = p.getKey();
            if (type.contains("Subnet::Id") || name.toLowerCase().contains("subnet")) {
                values.put(name, sources.get("Subnets"));
            } else if (type.contains("SecurityGroup::Id") || name.toLowerCase().contains("securitygroup")) {
                values.put(name, sources.get("SecurityGroup"));
            } else if (type.contains("VPC::Id") || name.toLowerCase().contains("vpc")) {
                values.put(name, sources.get("VpcId"));
            } else if (name.toLowerCase().contains("image")) {
                values.put(name, image);
            } else {
                unknown.add(name + " (" + type + ")");
            }
        });
        if (!unknown.isEmpty()) {
            throw new IllegalStateException("no test value for the required parameters " + unknown);
        }
        return values;
    }
}
