package io.pipekit.it.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
record StackTemplate(ObjectNode json) {

    static StackTemplate read(Path file) {
        return new StackTemplate((ObjectNode) CfnYaml.read(file));
    }

    StackTemplate copy() {
        return new StackTemplate(json.deepCopy());
    }

    String toJson() {
        return json.toString();
    }

    JsonNode resources() {
        return json.path("Resources");
    }

    JsonNode resource(String logicalId) {
        JsonNode r = resources().path(logicalId);
        if (r.isMissingNode()) {
            throw new IllegalStateException("no resource " + logicalId + " in the template");
        }
        return r;
    }

    /** Logical ids of the resources of this type, in template order. */
    List<String> ofType(String type) {
        List<String> ids = new ArrayList<>();
        resources().fields().forEachRemaining(e -> {
            if (type.equals(e.getValue().path("Type").asText())) {
                ids.add(e.getKey());
            }
        });
        return ids;
    }

    Set<String> types() {
        Set<String> types = new TreeSet<>();
        resources().forEach(r -> types.add(r.path("Type").asText()));
        return types;
    }

    /** The one resource of this type; fails naming what was found otherwise. */
    String single(String type) {
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
    String taskRole() {
        JsonNode arn = resource(single("AWS::ECS::TaskDefinition")).path("Properties").path("TaskRoleArn");
        return referenced(arn).orElseThrow(() -> new IllegalStateException("TaskRoleArn is not a role of this stack: " + arn));
    }

    /** The worker's queue: the target of every pipe of the stack. */
    String workerQueue() {
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
    Optional<String> deadLetterQueueOf(String queue) {
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
    StackTemplate withoutGrant(String role, String action) {
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
    Map<String, String> parameterValues(Map<String, String> sources, String image) {
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
