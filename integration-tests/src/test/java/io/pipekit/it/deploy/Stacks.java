package io.pipekit.it.deploy;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Capability;
import software.amazon.awssdk.services.cloudformation.model.Parameter;
import software.amazon.awssdk.services.cloudformation.model.Stack;
import software.amazon.awssdk.services.cloudformation.model.StackResourceSummary;
import software.amazon.awssdk.services.cloudformation.model.StackStatus;

/** Creating stacks through the SDK's CloudFormation client, the way {@code aws cloudformation deploy} does. */
public final class Stacks {

    private static final Duration CREATE_TIMEOUT = Duration.ofMinutes(2);

    private final CloudFormationClient cfn;

    public Stacks(CloudFormationClient cfn) {
        this.cfn = cfn;
    }

    /** A created stack: its final status, outputs and resources (logical id to summary). */
    public record Created(String name, StackStatus status, String reason, Map<String, String> outputs,
                   Map<String, StackResourceSummary> resources, String events) {

        public String physicalId(String logicalId) {
            StackResourceSummary r = resources.get(logicalId);
            if (r == null) {
                throw new IllegalStateException("stack " + name + " has no resource " + logicalId + "; it has " + resources.keySet());
            }
            return r.physicalResourceId();
        }
    }

    /** Creates the stack, waits until CloudFormation is done with it, and reports how it ended. */
    public Created create(String name, String templateBody, Map<String, String> parameters) {
        cfn.createStack(b -> b.stackName(name).templateBody(templateBody)
                .capabilities(Capability.CAPABILITY_IAM, Capability.CAPABILITY_NAMED_IAM, Capability.CAPABILITY_AUTO_EXPAND)
                .parameters(parameters.entrySet().stream()
                        .map(e -> Parameter.builder().parameterKey(e.getKey()).parameterValue(e.getValue()).build()).toList()));
        Stack stack = await("stack " + name + " settled").atMost(CREATE_TIMEOUT).pollInterval(Duration.ofMillis(200))
                .until(() -> cfn.describeStacks(b -> b.stackName(name)).stacks().get(0),
                        s -> !s.stackStatusAsString().endsWith("_IN_PROGRESS"));
        Map<String, String> outputs = new LinkedHashMap<>();
        stack.outputs().forEach(o -> outputs.put(o.outputKey(), o.outputValue()));
        Map<String, StackResourceSummary> resources = new LinkedHashMap<>();
        cfn.listStackResourcesPaginator(b -> b.stackName(name)).stackResourceSummaries()
                .forEach(r -> resources.put(r.logicalResourceId(), r));
        String events = cfn.describeStackEvents(b -> b.stackName(name)).stackEvents().stream()
                .map(e -> e.logicalResourceId() + " " + e.resourceStatusAsString()
                        + (e.resourceStatusReason() == null ? "" : " (" + e.resourceStatusReason() + ")"))
                .collect(Collectors.joining("\n  ", "  ", ""));
        return new Created(name, stack.stackStatus(), stack.stackStatusReason(), outputs, resources, events);
    }
}
