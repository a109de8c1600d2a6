package io.pipekit.pipes.render;

import com.fasterxml.jackson.databind.JsonNode;
import io.pipekit.pipes.spec.RuleSubscription;

/**
 * How the generated resources refer to the worker queue and to each other in one output flavour
 * (Copilot addon or standalone stack).
 *
 * @param queueArn expression for the worker queue's ARN
 * @param kmsKeyArn expression for the queue's customer-managed key, or null when the queue uses SSE-SQS
 * @param namePrefix {@code Fn::Sub} prefix of physical names, e.g. {@code ${App}-${Env}-${Name}-}
 */
record Wiring(JsonNode queueArn, JsonNode kmsKeyArn, String namePrefix) {

    JsonNode name(String suffix) {
        return Cfn.sub(namePrefix + suffix);
    }

    /** The ARN of a rule this stack names — what the queue policy's {@code aws:SourceArn} must equal. */
    JsonNode ruleArn(RuleSubscription rule) {
        String bus = rule.defaultBus() ? "" : rule.bus() + "/";
        return Cfn.sub("arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/" + bus + namePrefix + rule.name());
    }
}
