package io.pipekit.pipes.render;

import static io.pipekit.pipes.render.Cfn.getAtt;
import static io.pipekit.pipes.render.Cfn.obj;
import static io.pipekit.pipes.render.Cfn.ref;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pipekit.pipes.spec.RuleSubscription;
import io.pipekit.pipes.spec.SubscriptionSpec;
import io.pipekit.pipes.spec.TopicSubscription;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders a spec to CloudFormation: Copilot workload addons plus the YAML-patch override, or one
 * standalone template for users without the Copilot CLI (end of support 2026-06-12, docs/aws-behaviour.md §6.1).
 * Output is deterministic, so the checked-in files can be tested for being up to date.
 */
public final class CloudFormationRenderer {

    /** Copilot's workload template names its worker queue, key and queue policy like this (docs/aws-behaviour.md §6.3). */
    static final String COPILOT_QUEUE = "EventsQueue";
    static final String COPILOT_KEY = "EventsKMSKey";
    static final String COPILOT_QUEUE_POLICY = "QueuePolicy";

    private CloudFormationRenderer() {}

    /**
     * Files for {@code copilot/<worker>/}: {@code addons/*.yml}, {@code addons/addons.parameters.yml}
     * and {@code overrides/cfn.patches.yml}, keyed by path relative to {@code copilot/}.
     */
    public static Map<String, String> copilot(SubscriptionSpec spec, String worker) {
        String header = header(spec);
        Map<String, String> files = new LinkedHashMap<>();
        // Copilot's queue is always encrypted with its own CMK, EventsKMSKey (docs/aws-behaviour.md §6.3)
        Wiring addon = new Wiring(ref("EventsQueueArn"), ref("EventsKMSKeyArn"), "${App}-${Env}-${Name}-");
        Wiring patch = new Wiring(getAtt(COPILOT_QUEUE, "Arn"), getAtt(COPILOT_KEY, "Arn"), "${AppName}-${EnvName}-${WorkloadName}-");

        files.put(worker + "/addons/addons.parameters.yml", header
                + "# Values Copilot passes from the workload stack into every addon template.\n"
                + "Parameters:\n"
                + "  EventsQueueArn: !GetAtt " + COPILOT_QUEUE + ".Arn\n"
                + "  EventsKMSKeyArn: !GetAtt " + COPILOT_KEY + ".Arn\n");

        if (!spec.pipes().isEmpty()) {
            ObjectNode t = addonTemplate("pipekit pipes for " + spec.name() + ": sources -> worker queue");
            ObjectNode res = (ObjectNode) t.get("Resources");
            spec.pipes().forEach(p -> Resources.pipe(res, p, addon));
            files.put(worker + "/addons/pipes.yml", header + Cfn.yaml(t));
        }
        if (!spec.rules().isEmpty() || !spec.topics().isEmpty()) {
            ObjectNode t = addonTemplate("pipekit rules and topic subscriptions for " + spec.name()
                    + "; their queue/key policy statements are in overrides/cfn.patches.yml");
            ObjectNode res = (ObjectNode) t.get("Resources");
            spec.rules().forEach(r -> Resources.rule(res, r, addon));
            spec.topics().forEach(s -> Resources.topic(res, s, addon));
            files.put(worker + "/addons/rules.yml", header + Cfn.yaml(t));
        }
        ObjectNode wp = addonTemplate("pipekit worker permissions Copilot does not grant: visibility heartbeat and task protection");
        ((ObjectNode) wp.get("Resources")).set("WorkerQueueAccessPolicy",
                Resources.workerPolicy(ref("EventsQueueArn"), Cfn.sub("pipekit worker extras for ${App}-${Env}-${Name}")));
        // Copilot attaches every AWS::IAM::ManagedPolicy output to the task role (docs/aws-behaviour.md §6.2)
        wp.set("Outputs", obj().set("WorkerQueueAccessPolicyArn", obj().set("Value", ref("WorkerQueueAccessPolicy"))));
        files.put(worker + "/addons/worker-policy.yml", header + Cfn.yaml(wp));

        ArrayNode ops = Cfn.F.arrayNode();
        for (JsonNode st : queuePolicyStatements(spec, patch)) {
            ops.add(patchOp("/Resources/" + COPILOT_QUEUE_POLICY + "/Properties/PolicyDocument/Statement/-", st));
        }
        if (!spec.rules().isEmpty()) {
            ops.add(patchOp("/Resources/" + COPILOT_KEY + "/Properties/KeyPolicy/Statement/-", Resources.eventsKeyStatement()));
        }
        if (!ops.isEmpty()) {
            files.put(worker + "/overrides/cfn.patches.yml", header
                    + "# docs/aws-behaviour.md §6.3: Copilot's queue policy only admits its own SNS topics and its key only\n"
                    + "# its own services. Rules and outside topics need these statements APPENDED to the existing\n"
                    + "# QueuePolicy and EventsKMSKey - never a second AWS::SQS::QueuePolicy (last writer wins).\n"
                    // a top-level sequence at column 0, as in Copilot's own examples
                    + Cfn.yaml(ops).replaceAll("(?m)^  ", ""));
        }
        return files;
    }

    /** One self-contained template: worker queue (+DLQ), its single queue policy, pipes, rules, topics, worker policy. */
    public static String standalone(SubscriptionSpec spec) {
        ObjectNode t = obj().put("AWSTemplateFormatVersion", "2010-09-09");
        t.put("Description", "pipekit subscriptions '" + spec.name() + "' without the Copilot CLI: worker queue, pipes, rules, topics, worker policy");
        ObjectNode params = obj();
        params.set("Prefix", obj().put("Type", "String").put("Default", "pipekit-" + spec.name())
                .put("Description", "Prefix of pipe, rule and role names").put("AllowedPattern", "[a-z0-9][a-z0-9-]{0,30}"));
        t.set("Parameters", params);
        ObjectNode res = obj();
        t.set("Resources", res);

        Wiring w = new Wiring(getAtt("WorkerQueue", "Arn"), null, "${Prefix}-");
        String dlq = null;
        if (spec.queue().deadLetterTries() > 0) {
            dlq = "WorkerDLQ";
            ObjectNode dlqProps = obj();
            if (spec.queue().fifo()) {
                dlqProps.put("FifoQueue", true);
            }
            dlqProps.put("MessageRetentionPeriod", Resources.DLQ_RETENTION_SECONDS).put("SqsManagedSseEnabled", true);
            res.set(dlq, Cfn.resource("AWS::SQS::Queue", dlqProps));
        }
        res.set("WorkerQueue", Resources.queue(spec.queue(), dlq));
        List<JsonNode> statements = queuePolicyStatements(spec, w);
        if (!statements.isEmpty()) {
            ObjectNode pol = obj();
            pol.set("Queues", Cfn.arr(ref("WorkerQueue")));
            pol.set("PolicyDocument", Cfn.policyDocument(statements.toArray(JsonNode[]::new)));
            // the only policy of this queue: every rule's and topic's statement lives here
            res.set("WorkerQueuePolicy", Cfn.resource("AWS::SQS::QueuePolicy", pol));
        }
        spec.pipes().forEach(p -> Resources.pipe(res, p, w));
        spec.rules().forEach(r -> Resources.rule(res, r, w));
        spec.topics().forEach(s -> Resources.topic(res, s, w));
        res.set("WorkerQueueAccessPolicy", Resources.workerPolicy(getAtt("WorkerQueue", "Arn"),
                Cfn.sub("pipekit worker extras for ${Prefix}")));

        ObjectNode outputs = obj();
        outputs.set("WorkerQueueUrl", obj().set("Value", ref("WorkerQueue")));
        outputs.set("WorkerQueueArn", obj().set("Value", getAtt("WorkerQueue", "Arn")));
        outputs.set("WorkerQueueAccessPolicyArn", obj().put("Description", "attach to the worker's task role")
                .set("Value", ref("WorkerQueueAccessPolicy")));
        t.set("Outputs", outputs);
        return header(spec) + Cfn.yaml(t);
    }

    /** Writes {@link #copilot} output under {@code copilotDir} and the standalone template to {@code standaloneFile}. */
    public static List<Path> write(SubscriptionSpec spec, String worker, Path copilotDir, Path standaloneFile) throws IOException {
        List<Path> written = new ArrayList<>();
        for (Map.Entry<String, String> e : copilot(spec, worker).entrySet()) {
            Path p = copilotDir.resolve(e.getKey());
            Files.createDirectories(p.getParent());
            Files.writeString(p, e.getValue());
            written.add(p);
        }
        if (standaloneFile != null) {
            Files.createDirectories(standaloneFile.toAbsolutePath().getParent());
            Files.writeString(standaloneFile, standalone(spec));
            written.add(standaloneFile);
        }
        return written;
    }

    private static List<JsonNode> queuePolicyStatements(SubscriptionSpec spec, Wiring w) {
        List<JsonNode> out = new ArrayList<>();
        for (RuleSubscription r : spec.rules()) {
            out.add(Resources.eventsSendStatement("PipekitRule" + r.logicalId(), w.queueArn(), w.ruleArn(r)));
        }
        for (TopicSubscription s : spec.topics()) {
            out.add(Resources.snsSendStatement("PipekitTopic" + s.logicalId(), w.queueArn(), s.topicArn()));
        }
        return out;
    }

    private static ObjectNode patchOp(String path, JsonNode value) {
        ObjectNode op = obj().put("op", "add").put("path", path);
        op.set("value", value);
        return op;
    }

    private static ObjectNode addonTemplate(String description) {
        ObjectNode t = obj().put("AWSTemplateFormatVersion", "2010-09-09").put("Description", description);
        ObjectNode p = obj();
        // Copilot passes these to every workload addon (docs/aws-behaviour.md §6.2)
        p.set("App", obj().put("Type", "String").put("Description", "Copilot application name"));
        p.set("Env", obj().put("Type", "String").put("Description", "Copilot environment name"));
        p.set("Name", obj().put("Type", "String").put("Description", "Copilot service name"));
        p.set("EventsQueueArn", obj().put("Type", "String").put("Description", "the worker queue (addons.parameters.yml)"));
        p.set("EventsKMSKeyArn", obj().put("Type", "String").put("Description", "the worker queue's KMS key (addons.parameters.yml)"));
        t.set("Parameters", p);
        t.set("Resources", obj());
        return t;
    }

    private static String header(SubscriptionSpec spec) {
        return "# GENERATED by `pipekit render` from " + Path.of(spec.source()).getFileName()
                + " - do not edit by hand; change the spec and render again.\n";
    }
}
