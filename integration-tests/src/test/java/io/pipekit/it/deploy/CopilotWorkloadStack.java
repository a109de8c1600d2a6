package io.pipekit.it.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.flipkart.zjsonpatch.JsonPatch;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * The stacks {@code copilot svc deploy} creates for a Worker Service, assembled here from the
 * service's folder the way Copilot assembles them, so that cfn-lint can judge the whole (an addon
 * can lint clean on its own and still close a dependency cycle with Copilot's resources):
 *
 * <ol>
 *   <li>every {@code addons/*.yml} merged into one nested-stack template (a logical id defined twice
 *       differently is an error, as in Copilot);</li>
 *   <li>the workload stack ({@code deploy/copilot-worker-service.yml}, a reconstruction of the parts
 *       of Copilot's worker stack that matter here) with the addons stack's parameters taken from
 *       {@code addons/addons.parameters.yml}, and every addon output whose value is a
 *       {@code Ref} to an {@code AWS::IAM::ManagedPolicy} attached to {@code TaskRole};</li>
 *   <li>{@code overrides/cfn.patches.yml} applied to the workload stack as JSON Patch (RFC 6902),
 *       which is what Copilot's YAML patch overrides are.</li>
 * </ol>
 */
record CopilotWorkloadStack(JsonNode workload, JsonNode addons, List<String> policyOutputs, List<String> problems) {

    static final String RECONSTRUCTION = "/deploy/copilot-worker-service.yml";
    static final String ADDONS_STACK = "AddonsStack";
    static final String TASK_ROLE = "TaskRole";

    static CopilotWorkloadStack assemble(Path serviceDir) {
        return assemble(serviceDir, UnaryOperator.identity());
    }

    /** As {@link #assemble(Path)}, with {@code patchEdit} applied to the override patch first (for negative cases). */
    static CopilotWorkloadStack assemble(Path serviceDir, UnaryOperator<JsonNode> patchEdit) {
        List<String> problems = new ArrayList<>();
        ObjectNode addons = mergeAddons(serviceDir.resolve("addons"), problems);
        ObjectNode workload = (ObjectNode) CfnYaml.parse(resource(RECONSTRUCTION));
        ObjectNode stack = (ObjectNode) workload.path("Resources").path(ADDONS_STACK);
        ObjectNode stackParameters = (ObjectNode) stack.path("Properties").path("Parameters");

        Path parametersFile = serviceDir.resolve("addons/addons.parameters.yml");
        if (Files.exists(parametersFile)) {
            CfnYaml.read(parametersFile).path("Parameters").fields()
                    .forEachRemaining(p -> stackParameters.set(p.getKey(), p.getValue()));
        }
        // CloudFormation rejects a nested stack given a parameter its template does not declare, or
        // missing one without a default; Copilot checks the same before it uploads.
        JsonNode declared = addons.path("Parameters");
        stackParameters.fieldNames().forEachRemaining(name -> {
            if (!declared.has(name)) {
                problems.add("addons stack is passed parameter " + name + " that no addon template declares");
            }
        });
        declared.fields().forEachRemaining(p -> {
            if (!p.getValue().has("Default") && !stackParameters.has(p.getKey())) {
                problems.add("addon parameter " + p.getKey() + " has no default and is not passed by the workload stack");
            }
        });

        List<String> policyOutputs = new ArrayList<>();
        addons.path("Outputs").fields().forEachRemaining(o -> {
            String ref = o.getValue().path("Value").path("Ref").asText(null);
            if (ref != null && "AWS::IAM::ManagedPolicy".equals(addons.path("Resources").path(ref).path("Type").asText())) {
                policyOutputs.add(o.getKey());
            }
        });
        if (!policyOutputs.isEmpty()) {
            ArrayNode arns = ((ObjectNode) workload.path("Resources").path(TASK_ROLE).path("Properties")).putArray("ManagedPolicyArns");
            policyOutputs.forEach(o -> arns.addObject().putArray("Fn::GetAtt").add(ADDONS_STACK).add("Outputs." + o));
        }

        JsonNode patched = workload;
        Path patches = serviceDir.resolve("overrides/cfn.patches.yml");
        if (Files.exists(patches)) {
            patched = JsonPatch.apply(patchEdit.apply(CfnYaml.read(patches)), workload);
        }
        return new CopilotWorkloadStack(patched, addons, List.copyOf(policyOutputs), List.copyOf(problems));
    }

    /**
     * A patch edit that takes {@code action} out of the statement with this {@code Sid} (in an op's
     * value or in the policy document an op adds), dropping the statement's op when no action is
     * left. Refuses when no such statement grants the action, so a negative case cannot pass vacuously.
     */
    static UnaryOperator<JsonNode> withoutPatchedAction(String sid, String action) {
        return patch -> {
            ArrayNode edited = (ArrayNode) patch.deepCopy();
            int removed = 0;
            for (Iterator<JsonNode> ops = edited.elements(); ops.hasNext(); ) {
                JsonNode value = ops.next().path("value");
                if (sid.equals(value.path("Sid").asText())) {
                    removed += removeAction((ObjectNode) value, action);
                    if (value.path("Action").isEmpty()) {
                        ops.remove();  // a statement without actions is invalid; granting nothing is the same as absent
                    }
                }
                for (Iterator<JsonNode> nested = value.path("PolicyDocument").path("Statement").elements(); nested.hasNext(); ) {
                    JsonNode statement = nested.next();
                    if (sid.equals(statement.path("Sid").asText())) {
                        removed += removeAction((ObjectNode) statement, action);
                        if (statement.path("Action").isEmpty()) {
                            nested.remove();
                        }
                    }
                }
            }
            if (removed == 0) {
                throw new IllegalStateException("the override patch has no statement " + sid + " granting " + action);
            }
            return edited;
        };
    }

    private static int removeAction(ObjectNode statement, String action) {
        JsonNode actions = statement.path("Action");
        ArrayNode kept = CfnYaml.JSON.createArrayNode();
        int removed = 0;
        for (JsonNode a : actions.isArray() ? actions : List.of(actions)) {
            if (a.asText().equalsIgnoreCase(action)) {
                removed++;
            } else {
                kept.add(a);
            }
        }
        statement.set("Action", kept);
        return removed;
    }

    /** Copilot merges the addon files section by section; a key defined twice must be defined identically. */
    private static ObjectNode mergeAddons(Path dir, List<String> problems) {
        ObjectNode merged = CfnYaml.JSON.createObjectNode().put("AWSTemplateFormatVersion", "2010-09-09");
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> p.toString().endsWith(".yml") || p.toString().endsWith(".yaml"))
                    .filter(p -> !p.getFileName().toString().startsWith("addons.parameters."))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (Path file : files) {
            JsonNode template = CfnYaml.read(file);
            for (String section : List.of("Parameters", "Mappings", "Conditions", "Resources", "Outputs")) {
                ObjectNode into = merged.has(section) ? (ObjectNode) merged.get(section) : merged.putObject(section);
                for (Iterator<Map.Entry<String, JsonNode>> it = template.path(section).fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    JsonNode existing = into.get(e.getKey());
                    if (existing != null && !existing.equals(e.getValue())) {
                        problems.add(section + "." + e.getKey() + " is defined differently in two addon files (" + file.getFileName() + ")");
                    }
                    into.set(e.getKey(), e.getValue());
                }
            }
        }
        List.of("Parameters", "Mappings", "Conditions", "Outputs").forEach(s -> {
            if (merged.path(s).isEmpty()) {
                merged.remove(s);
            }
        });
        return merged;
    }

    private static String resource(String name) {
        try (InputStream in = CopilotWorkloadStack.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
