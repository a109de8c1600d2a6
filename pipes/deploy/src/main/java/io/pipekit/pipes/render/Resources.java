package io.pipekit.pipes.render;

import static io.pipekit.pipes.render.Cfn.arr;
import static io.pipekit.pipes.render.Cfn.getAtt;
import static io.pipekit.pipes.render.Cfn.obj;
import static io.pipekit.pipes.render.Cfn.resource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pipekit.pipes.model.Deployment;
import io.pipekit.pipes.model.Pipe;
import io.pipekit.pipes.model.Rule;
import io.pipekit.pipes.model.Statement;
import io.pipekit.pipes.model.Topic;
import java.util.List;
import java.util.Map;

/** Writes the model's subscriptions as CloudFormation resources (docs/aws-behaviour.md §7). */
final class Resources {

    private Resources() {}

    // ---- pipes (§7.1, §7.2) ------------------------------------------------------------------

    static void pipe(ObjectNode resources, Pipe pipe, Wiring w, boolean queueHasCustomerKey) {
        String id = pipe.subscription().logicalId();
        SdkJson sdk = new SdkJson(w);
        if (pipe.subscription().deadLetterQueue()) {
            resources.set(id + "DLQ", resource("AWS::SQS::Queue", queueProperties(Deployment.subscriptionDeadLetterQueueAttributes(), sdk)));
        }
        ObjectNode role = obj();
        role.set("AssumeRolePolicyDocument", Statement.document(List.of(Pipe.trust()), w::ref));
        role.set("Policies", arr(obj().put("PolicyName", "pipe")
                .set("PolicyDocument", Statement.document(pipe.permissions(queueHasCustomerKey), w::ref))));
        role.set("Tags", arr(obj().put("Key", "pipekit:subscription").put("Value", pipe.name())));
        resources.set(id + "PipeRole", resource("AWS::IAM::Role", role));

        ObjectNode props = obj();
        props.set("Name", w.name(pipe.name()));
        props.set("RoleArn", getAtt(id + "PipeRole", "Arn"));
        props.put("DesiredState", "RUNNING");
        props.set("Source", w.ref(pipe.source()));
        props.set("SourceParameters", sdk.json(pipe.sourceParameters(sdk::token)));
        props.set("Target", w.ref(io.pipekit.pipes.model.Ref.WORKER_QUEUE));
        JsonNode target = sdk.json(pipe.targetParameters());
        if (!target.isEmpty()) {
            props.set("TargetParameters", target);
        }
        props.set("Tags", obj().put("pipekit:subscription", pipe.name()));
        resources.set(id + "Pipe", resource("AWS::Pipes::Pipe", props));
    }

    // ---- rules (§7.3) ------------------------------------------------------------------------

    static void rule(ObjectNode resources, Deployment model, Rule rule, Wiring w) {
        String id = rule.subscription().logicalId();
        SdkJson sdk = new SdkJson(w);
        if (rule.subscription().deadLetterQueue()) {
            resources.set(id + "DLQ", resource("AWS::SQS::Queue", queueProperties(Deployment.subscriptionDeadLetterQueueAttributes(), sdk)));
            // the DLQ belongs to this stack, so it gets its own (only) queue policy
            resources.set(id + "DLQPolicy", queuePolicy(Cfn.ref(id + "DLQ"), model.deadLetterQueuePolicy(rule.name()), w));
        }
        ObjectNode props = obj();
        props.set("Name", w.name(rule.name()));
        props.put("EventBusName", rule.subscription().bus());
        props.put("State", "ENABLED");
        props.set("EventPattern", parse(rule.subscription().pattern()));
        props.set("Targets", arr(sdk.json(rule.target(sdk::token))));
        resources.set(id + "Rule", resource("AWS::Events::Rule", props));
    }

    // ---- topics (§3) -------------------------------------------------------------------------

    static void topic(ObjectNode resources, Topic topic, Wiring w) {
        ObjectNode props = obj().put("Protocol", "sqs").put("TopicArn", topic.subscription().topicArn());
        props.set("Endpoint", w.ref(io.pipekit.pipes.model.Ref.WORKER_QUEUE));
        for (Map.Entry<String, String> a : topic.attributes().entrySet()) {
            switch (a.getKey()) {
                case "RawMessageDelivery" -> props.put(a.getKey(), Boolean.parseBoolean(a.getValue()));
                case "FilterPolicy" -> {
                    if (!a.getValue().equals("{}")) {
                        props.set(a.getKey(), parse(a.getValue()));
                    }
                }
                default -> props.put(a.getKey(), a.getValue());
            }
        }
        resources.set(topic.subscription().logicalId() + "Subscription", resource("AWS::SNS::Subscription", props));
    }

    // ---- queues and policies -----------------------------------------------------------------

    /** SQS attributes (API names, which CloudFormation shares) as typed properties. */
    static ObjectNode queueProperties(Map<String, String> attributes, SdkJson sdk) {
        ObjectNode p = obj();
        new java.util.TreeMap<>(attributes).forEach((k, v) -> {
            if (k.equals("RedrivePolicy") || k.equals("Policy")) {
                p.set(k, sdk.resolve(parse(v)));
            } else if (v.equals("true") || v.equals("false")) {
                p.put(k, Boolean.parseBoolean(v));
            } else if (v.matches("\\d+")) {
                p.put(k, Long.parseLong(v));
            } else {
                p.set(k, sdk.text(v));
            }
        });
        return p;
    }

    /** The one {@code AWS::SQS::QueuePolicy} of a queue this stack owns. */
    static ObjectNode queuePolicy(JsonNode queueUrl, List<Statement> statements, Wiring w) {
        ObjectNode pol = obj();
        pol.set("Queues", arr(queueUrl));
        pol.set("PolicyDocument", Statement.document(statements, w::ref));
        return resource("AWS::SQS::QueuePolicy", pol);
    }

    static JsonNode parse(String json) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("validated JSON failed to parse", e);
        }
    }
}
