package io.pipekit.it.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The grants of the Copilot path, read from the workload stack as {@link CopilotWorkloadStack}
 * assembles it — Copilot's own TaskRole, QueuePolicy and EventsKMSKey with
 * {@code overrides/cfn.patches.yml} applied — and from the merged addons stack, whose parameters are
 * the workload stack's values for {@code AddonsStack.Properties.Parameters}. So the worker's grants
 * are Copilot's TaskRole (its DenyIAM, the patch's inline policy, any addon managed policy) together
 * with the patched QueuePolicy's and key policy's statements naming TaskRole; the rules' and topics'
 * are the patched QueuePolicy and key policy; the pipes' are their addon roles.
 */
final class CopilotGrants implements Grants {

    static final String QUEUE = "EventsQueue";
    static final String QUEUE_POLICY = "QueuePolicy";
    static final String KEY = "EventsKMSKey";
    /** What {@code copilot svc deploy} passes for the reconstruction's parameters (values from copilot/ingest-worker). */
    static final Map<String, String> WORKLOAD_PARAMETERS = Map.of(
            "AppName", "pipekit", "EnvName", "test", "WorkloadName", "ingest-worker",
            "ContainerImage", "worker:proof", "TaskCPU", "1024", "TaskMemory", "2048", "TaskCount", "1",
            "AddonsTemplateURL", "https://stackset-pipekit-infra-pipelinebucket.s3.amazonaws.com/manual/addons/ingest-worker.yml");

    private final StackTemplate workload;
    private final StackTemplate addons;
    private final Intrinsics workloadIntrinsics;
    private final Intrinsics addonsIntrinsics;
    private final List<String> policyOutputs;

    CopilotGrants(CopilotWorkloadStack stack) {
        this.workload = new StackTemplate((ObjectNode) stack.workload());
        this.addons = new StackTemplate((ObjectNode) stack.addons());
        this.policyOutputs = stack.policyOutputs();
        String app = WORKLOAD_PARAMETERS.get("AppName") + "-" + WORKLOAD_PARAMETERS.get("EnvName");
        // the environment stack's exports
        Map<String, String> imports = new HashMap<>(Map.of(app + "-ClusterId", app + "-Cluster-0a1b2c",
                app + "-PrivateSubnets", "subnet-0a,subnet-0b", app + "-EnvironmentSecurityGroup", "sg-0a"));
        MadeUpIds.streamImports(addons.json(), imports, REGION, ACCOUNT);
        this.workloadIntrinsics = MadeUpIds.intrinsics(workload, WORKLOAD_PARAMETERS, imports, REGION, ACCOUNT);
        Map<String, String> addonParameters = new LinkedHashMap<>();
        workloadIntrinsics.resolve(workload.resource(CopilotWorkloadStack.ADDONS_STACK).path("Properties").path("Parameters"))
                .fields().forEachRemaining(p -> addonParameters.put(p.getKey(), p.getValue().asText()));
        this.addonsIntrinsics = MadeUpIds.intrinsics(addons, addonParameters, imports, REGION, ACCOUNT);
    }

    @Override
    public String label() {
        return "Copilot workload stack with the override patch";
    }

    @Override
    public String workerQueueArn() {
        return workloadIntrinsics.resolve(RenderedGrants.getAttArn(QUEUE)).asText();
    }

    @Override
    public Optional<String> workerQueueKeyArn() {
        return StackTemplate.referenced(workload.resource(QUEUE).path("Properties").path("KmsMasterKeyId"))
                .map(id -> workloadIntrinsics.resolve(RenderedGrants.getAttArn(id)).asText());
    }

    @Override
    public String taskRoleArn() {
        return workloadIntrinsics.resolve(RenderedGrants.getAttArn(workload.taskRole())).asText();
    }

    /** TaskRole's inline policies (Copilot's and the patch's) and the addon managed policies Copilot attaches to it. */
    @Override
    public List<JsonNode> taskRoleStatements() {
        List<JsonNode> statements = RenderedGrants.resolved(workload.statementsOf(workload.taskRole()), workloadIntrinsics);
        for (String output : policyOutputs) {
            String policy = addons.json().path("Outputs").path(output).path("Value").path("Ref").asText();
            addons.resource(policy).path("Properties").path("PolicyDocument").path("Statement")
                    .forEach(s -> statements.add(addonsIntrinsics.resolve(s)));
        }
        return statements;
    }

    @Override
    public List<JsonNode> workerQueuePolicy() {
        return RenderedGrants.queuePolicyOf(workload, workloadIntrinsics, QUEUE);
    }

    @Override
    public List<JsonNode> keyPolicy(String keyArn) {
        return RenderedGrants.keyPolicyOf(workload, workloadIntrinsics, keyArn);
    }

    @Override
    public List<Pipe> pipes() {
        return RenderedGrants.pipesOf(addons, addonsIntrinsics);
    }

    @Override
    public List<String> ruleArnsTargetingTheWorkerQueue() {
        return RenderedGrants.rulesTargeting(addons, addonsIntrinsics, workerQueueArn());
    }

    @Override
    public List<Topic> topicsSubscribedToTheWorkerQueue() {
        List<Topic> topics = new ArrayList<>(RenderedGrants.topicsDeliveringTo(addons, addonsIntrinsics, workerQueueArn()));
        return topics;
    }
}
