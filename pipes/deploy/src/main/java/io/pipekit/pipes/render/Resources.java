package io.pipekit.pipes.render;

import static io.pipekit.pipes.render.Cfn.arr;
import static io.pipekit.pipes.render.Cfn.getAtt;
import static io.pipekit.pipes.render.Cfn.obj;
import static io.pipekit.pipes.render.Cfn.policyDocument;
import static io.pipekit.pipes.render.Cfn.resource;
import static io.pipekit.pipes.render.Cfn.statement;
import static io.pipekit.pipes.render.Cfn.strings;
import static io.pipekit.pipes.render.Cfn.sub;
import static io.pipekit.pipes.render.Cfn.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pipekit.pipes.spec.PipeSubscription;
import io.pipekit.pipes.spec.RuleSubscription;
import io.pipekit.pipes.spec.SourceRef;
import io.pipekit.pipes.spec.SourceType;
import io.pipekit.pipes.spec.TopicSubscription;
import io.pipekit.pipes.spec.WorkerQueue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builds the CloudFormation resources of each subscription (docs/aws-behaviour.md §7). */
final class Resources {

    static final int DLQ_RETENTION_SECONDS = 1_209_600; // 14 days, the SQS maximum

    private Resources() {}

    // ---- pipes (§7.1, §7.2) ------------------------------------------------------------------

    static void pipe(ObjectNode resources, PipeSubscription p, Wiring w) {
        String id = p.logicalId();
        JsonNode sourceArn = sourceArn(p.source());
        if (p.deadLetterQueue()) {
            resources.set(id + "PipeDLQ", resource("AWS::SQS::Queue", obj()
                    .put("MessageRetentionPeriod", DLQ_RETENTION_SECONDS)
                    .put("SqsManagedSseEnabled", true)));
        }
        resources.set(id + "PipeRole", pipeRole(p, w, id, sourceArn));

        ObjectNode props = obj();
        props.set("Name", w.name(p.name()));
        props.set("RoleArn", getAtt(id + "PipeRole", "Arn"));
        props.put("DesiredState", "RUNNING");
        props.set("Source", sourceArn);
        props.set("SourceParameters", sourceParameters(p, id));
        props.set("Target", w.queueArn());
        ObjectNode target = targetParameters(p);
        if (!target.isEmpty()) {
            props.set("TargetParameters", target);
        }
        ObjectNode tags = obj().put("pipekit:subscription", p.name());
        props.set("Tags", tags);
        resources.set(id + "Pipe", resource("AWS::Pipes::Pipe", props));
    }

    private static ObjectNode pipeRole(PipeSubscription p, Wiring w, String id, JsonNode sourceArn) {
        ObjectNode trust = obj().put("Effect", "Allow");
        trust.set("Principal", obj().put("Service", "pipes.amazonaws.com"));
        trust.put("Action", "sts:AssumeRole");
        // docs/aws-behaviour.md §1.11: the console pins the trust to this account (confused-deputy guard)
        trust.set("Condition", obj().set("StringEquals", obj().set("aws:SourceAccount", Cfn.ref("AWS::AccountId"))));

        List<JsonNode> statements = new ArrayList<>();
        statements.add(statement("ReadSource", "Allow", sourceActions(p.type()), sourceArn));
        ArrayNode sendTo = arr(w.queueArn());
        if (p.deadLetterQueue()) {
            sendTo.add(getAtt(id + "PipeDLQ", "Arn"));
        }
        statements.add(statement("SendToWorkerQueue", "Allow", text("sqs:SendMessage"), sendTo));
        if (w.kmsKeyArn() != null) {
            // docs/aws-behaviour.md §6.3: Pipes need no queue policy, only the role's grant on the queue's CMK
            statements.add(statement("UseQueueKey", "Allow", strings("kms:GenerateDataKey", "kms:Decrypt"), w.kmsKeyArn()));
        }
        ObjectNode props = obj();
        props.set("AssumeRolePolicyDocument", policyDocument(trust));
        props.set("Policies", arr(obj().put("PolicyName", "pipe").set("PolicyDocument",
                policyDocument(statements.toArray(JsonNode[]::new)))));
        props.set("Tags", arr(obj().put("Key", "pipekit:subscription").put("Value", p.name())));
        return resource("AWS::IAM::Role", props);
    }

    /** docs/aws-behaviour.md §1.11, least privilege per source kind. */
    static ArrayNode sourceActions(SourceType type) {
        return switch (type) {
            case KINESIS -> strings("kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:GetRecords",
                    "kinesis:GetShardIterator", "kinesis:ListShards", "kinesis:ListStreams");
            case DYNAMODB -> strings("dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator",
                    "dynamodb:ListStreams");
            case SQS -> strings("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes");
        };
    }

    private static JsonNode sourceArn(SourceRef s) {
        if (s.arn() != null) {
            return text(s.arn());
        }
        if (s.cfnImport() != null) {
            return Cfn.importValue(s.cfnImport());
        }
        return switch (s.type()) {
            case KINESIS -> sub("arn:${AWS::Partition}:kinesis:${AWS::Region}:${AWS::AccountId}:stream/" + s.name());
            case SQS -> sub("arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:" + s.name());
            // a table stream's ARN ends in a creation label that only the table's own stack knows
            case DYNAMODB -> throw new IllegalArgumentException("dynamodb source '" + s.name()
                    + "': rendering needs streamArn or streamArnImport (the stream ARN carries a label unknown before deploy)");
        };
    }

    private static ObjectNode sourceParameters(PipeSubscription p, String id) {
        ObjectNode sp = obj();
        if (!p.filters().isEmpty()) {
            ArrayNode filters = Cfn.F.arrayNode();
            p.filters().forEach(f -> filters.add(obj().put("Pattern", f)));
            sp.set("FilterCriteria", obj().set("Filters", filters));
        }
        ObjectNode params = obj();
        if (p.isStream()) {
            params.put("StartingPosition", p.startingPosition());
            if (p.startingPositionTimestamp() != null) {
                params.put("StartingPositionTimestamp", p.startingPositionTimestamp().toString());
            }
        }
        params.put("BatchSize", p.batchSize());
        params.put("MaximumBatchingWindowInSeconds", p.window().toSeconds());
        if (p.isStream()) {
            if (p.parallelization() != null) {
                params.put("ParallelizationFactor", p.parallelization());
            }
            if (p.retries() != null) {
                params.put("MaximumRetryAttempts", p.retries());
            }
            if (p.maxRecordAge() != null) {
                params.put("MaximumRecordAgeInSeconds", p.maxRecordAge().toSeconds());
            }
            if (p.bisectOnError()) {
                params.put("OnPartialBatchItemFailure", "AUTOMATIC_BISECT");
            }
            if (p.deadLetterQueue()) {
                params.set("DeadLetterConfig", obj().set("Arn", getAtt(id + "PipeDLQ", "Arn")));
            }
        }
        String key = switch (p.type()) {
            case KINESIS -> "KinesisStreamParameters";
            case DYNAMODB -> "DynamoDBStreamParameters";
            case SQS -> "SqsQueueParameters";
        };
        sp.set(key, params);
        return sp;
    }

    private static ObjectNode targetParameters(PipeSubscription p) {
        ObjectNode tp = obj();
        if (p.inputTemplate() != null) {
            tp.put("InputTemplate", p.inputTemplate());
        }
        if (p.fifoGroupId() != null) {
            ObjectNode sqs = obj().put("MessageGroupId", p.fifoGroupId());
            if (p.deduplicationId() != null) {
                sqs.put("MessageDeduplicationId", p.deduplicationId());
            }
            tp.set("SqsQueueParameters", sqs);
        }
        return tp;
    }

    // ---- rules (§7.3) ------------------------------------------------------------------------

    static void rule(ObjectNode resources, RuleSubscription r, Wiring w) {
        String id = r.logicalId();
        ObjectNode target = obj().put("Id", "worker-queue");
        target.set("Arn", w.queueArn());
        if (r.inputPath() != null) {
            target.put("InputPath", r.inputPath());
        }
        if (r.transformer() != null) {
            ObjectNode t = obj();
            ObjectNode paths = obj();
            r.transformer().inputPathsMap().entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .forEach(e -> paths.put(e.getKey(), e.getValue()));
            t.set("InputPathsMap", paths);
            t.put("InputTemplate", r.transformer().inputTemplate());
            target.set("InputTransformer", t);
        }
        if (r.fifoGroupId() != null) {
            target.set("SqsParameters", obj().put("MessageGroupId", r.fifoGroupId()));
        }
        if (r.retries() != null || r.maxEventAge() != null) {
            ObjectNode retry = obj();
            if (r.retries() != null) {
                retry.put("MaximumRetryAttempts", r.retries());
            }
            if (r.maxEventAge() != null) {
                retry.put("MaximumEventAgeInSeconds", r.maxEventAge().toSeconds());
            }
            target.set("RetryPolicy", retry);
        }
        if (r.deadLetterQueue()) {
            target.set("DeadLetterConfig", obj().set("Arn", getAtt(id + "RuleDLQ", "Arn")));
            resources.set(id + "RuleDLQ", resource("AWS::SQS::Queue", obj()
                    .put("MessageRetentionPeriod", DLQ_RETENTION_SECONDS)
                    .put("SqsManagedSseEnabled", true)));
            // the DLQ belongs to this stack, so it gets its own (only) queue policy
            ObjectNode st = eventsSendStatement("RuleDeadLetters", getAtt(id + "RuleDLQ", "Arn"), w.ruleArn(r));
            ObjectNode pol = obj();
            pol.set("Queues", arr(Cfn.ref(id + "RuleDLQ")));
            pol.set("PolicyDocument", policyDocument(st));
            resources.set(id + "RuleDLQPolicy", resource("AWS::SQS::QueuePolicy", pol));
        }
        ObjectNode props = obj();
        props.set("Name", w.name(r.name()));
        props.put("EventBusName", r.bus());
        props.put("State", "ENABLED");
        props.set("EventPattern", Cfn.F.objectNode().setAll((ObjectNode) parse(r.pattern())));
        props.set("Targets", arr(target));
        resources.set(id + "Rule", resource("AWS::Events::Rule", props));
    }

    /** docs/aws-behaviour.md §2.4: EventBridge → SQS needs this resource-policy statement, pinned to one rule. */
    static ObjectNode eventsSendStatement(String sid, JsonNode queueArn, JsonNode ruleArn) {
        ObjectNode s = statement(sid, "Allow", text("sqs:SendMessage"), queueArn);
        s.set("Principal", obj().put("Service", "events.amazonaws.com"));
        s.set("Condition", obj().set("ArnEquals", obj().set("aws:SourceArn", ruleArn)));
        return reorder(s);
    }

    /** docs/aws-behaviour.md §3: a topic outside Copilot needs the same kind of statement for sns.amazonaws.com. */
    static ObjectNode snsSendStatement(String sid, JsonNode queueArn, String topicArn) {
        ObjectNode s = statement(sid, "Allow", text("sqs:SendMessage"), queueArn);
        s.set("Principal", obj().put("Service", "sns.amazonaws.com"));
        s.set("Condition", obj().set("ArnEquals", obj().put("aws:SourceArn", topicArn)));
        return reorder(s);
    }

    /**
     * docs/aws-behaviour.md §2.4/§6.3: EventBridge must be able to use the queue's customer-managed key. A
     * key policy statement's Resource is always "*" (it means "this key"): the one place it is
     * required.
     */
    static ObjectNode eventsKeyStatement() {
        ObjectNode s = obj().put("Sid", "PipekitAllowEventBridge").put("Effect", "Allow");
        s.set("Principal", obj().put("Service", "events.amazonaws.com"));
        s.set("Action", strings("kms:GenerateDataKey", "kms:Decrypt"));
        s.put("Resource", "*");
        return s;
    }

    static void topic(ObjectNode resources, TopicSubscription t, Wiring w) {
        ObjectNode props = obj().put("Protocol", "sqs").put("TopicArn", t.topicArn());
        props.set("Endpoint", w.queueArn());
        props.put("RawMessageDelivery", t.rawMessageDelivery());
        if (t.filterPolicy() != null) {
            props.set("FilterPolicy", parse(t.filterPolicy()));
            if (t.filterPolicyScope() != null) {
                props.put("FilterPolicyScope", t.filterPolicyScope());
            }
        }
        resources.set(t.logicalId() + "Subscription", resource("AWS::SNS::Subscription", props));
    }

    /** The worker's extra task-role policy (docs/aws-behaviour.md §6.3 consequence 1, §5.2). */
    static ObjectNode workerPolicy(JsonNode queueArn, JsonNode description) {
        ObjectNode props = obj();
        props.set("Description", description);
        props.set("PolicyDocument", policyDocument(
                // heartbeat / extend / abandon, and the backlog read the worker reports
                statement("WorkerQueueVisibility", "Allow",
                        strings("sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes"), queueArn),
                // ECS task scale-in protection; scoped to this account's tasks in this region
                statement("TaskScaleInProtection", "Allow",
                        strings("ecs:GetTaskProtection", "ecs:UpdateTaskProtection"),
                        sub("arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:task/*"))));
        return resource("AWS::IAM::ManagedPolicy", props);
    }

    static ObjectNode queue(WorkerQueue q, String dlqLogicalId) {
        ObjectNode props = obj();
        props.put("QueueName", q.name());
        if (q.fifo()) {
            props.put("FifoQueue", true);
            props.put("ContentBasedDeduplication", q.contentBasedDeduplication());
        }
        props.put("VisibilityTimeout", q.visibilityTimeout().toSeconds());
        props.put("SqsManagedSseEnabled", true);
        if (dlqLogicalId != null) {
            ObjectNode redrive = obj();
            redrive.set("deadLetterTargetArn", getAtt(dlqLogicalId, "Arn"));
            redrive.put("maxReceiveCount", q.deadLetterTries());
            props.set("RedrivePolicy", redrive);
        }
        return resource("AWS::SQS::Queue", props);
    }

    private static ObjectNode reorder(ObjectNode s) {
        ObjectNode o = obj();
        for (String k : List.of("Sid", "Effect", "Principal", "Action", "Resource", "Condition")) {
            if (s.has(k)) {
                o.set(k, s.get(k));
            }
        }
        return o;
    }

    static JsonNode parse(String json) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("validated JSON failed to parse", e);
        }
    }
}
