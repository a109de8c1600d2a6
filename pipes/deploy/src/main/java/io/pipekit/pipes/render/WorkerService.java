package io.pipekit.pipes.render;

import static io.pipekit.pipes.render.Cfn.arr;
import static io.pipekit.pipes.render.Cfn.getAtt;
import static io.pipekit.pipes.render.Cfn.obj;
import static io.pipekit.pipes.render.Cfn.ref;
import static io.pipekit.pipes.render.Cfn.resource;
import static io.pipekit.pipes.render.Cfn.strings;
import static io.pipekit.pipes.render.Cfn.sub;
import static io.pipekit.pipes.render.Cfn.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pipekit.pipes.model.AwsLimits;
import io.pipekit.pipes.model.Deployment;
import io.pipekit.pipes.model.Ref;
import io.pipekit.pipes.model.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The standalone stack: the whole worker service for {@code aws cloudformation deploy}, without
 * Copilot. Worker queue and DLQ (SSE, redrive), the subscriptions, an ECS cluster (or an existing
 * one), the task definition, execution and task roles, a Fargate + Fargate Spot service, scaling on
 * backlog per task, and a dead-letter alarm. Decisions in docs/deployment.md.
 */
final class WorkerService {

    static final String QUEUE = "WorkerQueue";
    static final String DLQ = "WorkerDLQ";
    static final String KEY = "WorkerQueueKey";
    static final String CLUSTER = "Cluster";
    static final String SERVICE = "Service";
    static final String TASK_ROLE = "TaskRole";

    /** docs/aws-behaviour.md §5.3: Fargate's maximum, the whole Spot warning window. */
    static final int STOP_TIMEOUT_SECONDS = 120;
    /** Drain inside the stop window with room to flush deletes. */
    static final String SHUTDOWN_BUDGET = "100s";
    static final int HEALTH_PORT = 8081;
    /** CloudWatch Logs accepts only these retention periods. */
    static final List<Integer> LOG_RETENTION_DAYS = List.of(1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731,
            1096, 1827, 2192, 2557, 2922, 3288, 3653);

    private WorkerService() {}

    static ObjectNode template(Deployment model) {
        ObjectNode t = obj().put("AWSTemplateFormatVersion", "2010-09-09");
        t.put("Description", "pipekit worker service '" + model.spec().name() + "': worker queue, subscriptions, ECS Fargate/Spot service"
                + " with backlog scaling (docs/deployment.md)");
        t.set("Parameters", parameters(model));
        ObjectNode conditions = obj();
        conditions.set("CreateCluster", obj().set("Fn::Equals", arr(ref("ExistingClusterName"), text(""))));
        if (model.queue().deadLetterTries() > 0) {
            conditions.set("HasAlarmTopic", obj().set("Fn::Not", arr(obj().set("Fn::Equals", arr(ref("AlarmTopicArn"), text(""))))));
        }
        t.set("Conditions", conditions);

        JsonNode clusterName = obj().set("Fn::If", arr(text("CreateCluster"), ref(CLUSTER), ref("ExistingClusterName")));
        Wiring w = new Wiring(model.spec(), "${Prefix}-", r -> switch (r) {
            case Ref.WorkerQueueArn x -> getAtt(QUEUE, "Arn");
            case Ref.WorkerQueueUrl x -> ref(QUEUE);
            case Ref.WorkerKeyArn x -> getAtt(KEY, "Arn");
            case Ref.WorkerDeadLetterQueueArn x -> getAtt(DLQ, "Arn");
            case Ref.TaskRoleArn x -> getAtt(TASK_ROLE, "Arn");
            case Ref.ClusterTasks x -> CloudFormationRenderer.clusterTasks(clusterName);
            default -> null;
        });
        SdkJson sdk = new SdkJson(w);
        ObjectNode res = obj();
        t.set("Resources", res);

        // ---- the queue ----
        if (model.customerKey()) {
            List<Statement> keyPolicy = new ArrayList<>(List.of(Deployment.keyAdministration()));
            keyPolicy.addAll(model.keyPolicy());
            ObjectNode key = obj().put("Description", "pipekit worker queue key").put("EnableKeyRotation", true);
            key.set("KeyPolicy", Statement.document(keyPolicy, w::ref));
            res.set(KEY, resource("AWS::KMS::Key", key));
        }
        if (model.queue().deadLetterTries() > 0) {
            ObjectNode dlq = Resources.queueProperties(model.workerDeadLetterQueueAttributes(sdk::token), sdk);
            dlq.put("QueueName", model.workerDeadLetterQueueName());
            res.set(DLQ, resource("AWS::SQS::Queue", dlq));
        }
        ObjectNode queue = Resources.queueProperties(model.workerQueueAttributes(sdk::token), sdk);
        queue.put("QueueName", model.queue().name());
        res.set(QUEUE, resource("AWS::SQS::Queue", queue));
        if (!model.queuePolicy().isEmpty()) {
            // the only policy of this queue: every rule's and topic's statement lives here
            res.set("WorkerQueuePolicy", Resources.queuePolicy(ref(QUEUE), model.queuePolicy(), w));
        }

        // ---- subscriptions ----
        model.pipes().forEach(p -> Resources.pipe(res, p, w, model.customerKey()));
        model.rules().forEach(r -> Resources.rule(res, model, r, w));
        model.topics().forEach(s -> Resources.topic(res, s, w));

        // ---- the service ----
        ObjectNode cluster = obj();
        cluster.set("CapacityProviders", strings("FARGATE", "FARGATE_SPOT"));
        // RunningTaskCount, the divisor of the backlog metric, comes from Container Insights
        cluster.set("ClusterSettings", arr(obj().put("Name", "containerInsights").put("Value", "enabled")));
        ObjectNode clusterResource = resource("AWS::ECS::Cluster", cluster);
        clusterResource.put("Condition", "CreateCluster");
        res.set(CLUSTER, clusterResource);

        res.set("LogGroup", resource("AWS::Logs::LogGroup", obj().set("RetentionInDays", ref("LogRetentionDays"))));

        ObjectNode exec = obj();
        exec.set("AssumeRolePolicyDocument", Statement.document(List.of(Deployment.taskTrust()), w::ref));
        exec.set("ManagedPolicyArns", arr(sub("arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy")));
        res.set("ExecutionRole", resource("AWS::IAM::Role", exec));

        ObjectNode task = obj();
        task.set("AssumeRolePolicyDocument", Statement.document(List.of(Deployment.taskTrust()), w::ref));
        task.set("Policies", arr(obj().put("PolicyName", "worker").set("PolicyDocument", Statement.document(model.workerGrants(), w::ref))));
        res.set(TASK_ROLE, resource("AWS::IAM::Role", task));

        res.set("TaskDefinition", resource("AWS::ECS::TaskDefinition", taskDefinition(model)));
        res.set(SERVICE, resource("AWS::ECS::Service", service(clusterName)));
        scaling(res, clusterName);
        if (model.queue().deadLetterTries() > 0) {
            res.set("DeadLetterAlarm", resource("AWS::CloudWatch::Alarm", deadLetterAlarm()));
        }

        ObjectNode outputs = obj();
        output(outputs, "WorkerQueueUrl", ref(QUEUE), "the queue the worker consumes (PIPEKIT_QUEUE_URLS)");
        output(outputs, "WorkerQueueArn", getAtt(QUEUE, "Arn"), null);
        if (model.queue().deadLetterTries() > 0) {
            output(outputs, "WorkerDeadLetterQueueUrl", ref(DLQ), null);
        }
        if (model.customerKey()) {
            output(outputs, "WorkerQueueKeyArn", getAtt(KEY, "Arn"), null);
        }
        output(outputs, "TaskRoleArn", getAtt(TASK_ROLE, "Arn"), "what the worker runs as");
        output(outputs, "ClusterName", clusterName, null);
        output(outputs, "ServiceName", getAtt(SERVICE, "Name"), null);
        t.set("Outputs", outputs);
        return t;
    }

    private static ObjectNode parameters(Deployment model) {
        ObjectNode p = obj();
        p.set("Prefix", obj().put("Type", "String").put("Default", "pipekit-" + model.spec().name())
                .put("Description", "Prefix of pipe, rule and role names").put("AllowedPattern", "[a-z0-9][a-z0-9-]{0,30}"));
        p.set("ContainerImage", obj().put("Type", "String").put("Description", "the worker image (built from worker/Dockerfile), e.g. 123456789012.dkr.ecr.eu-west-1.amazonaws.com/pipekit-worker:1.0"));
        p.set("TaskCpu", obj().put("Type", "String").put("Default", "1024").put("Description", "Fargate task CPU units")
                .set("AllowedValues", strings("256", "512", "1024", "2048", "4096", "8192", "16384")));
        p.set("TaskMemory", obj().put("Type", "String").put("Default", "2048").put("Description", "Fargate task memory (MiB), valid for TaskCpu"));
        p.set("ExistingClusterName", obj().put("Type", "String").put("Default", "").put("MaxLength", AwsLimits.ECS_NAME)
                .put("Description", "run in this ECS cluster (it needs the FARGATE and FARGATE_SPOT capacity providers and Container Insights); empty = create one"));
        p.set("Subnets", obj().put("Type", "List<AWS::EC2::Subnet::Id>").put("Description", "subnets of the worker's tasks (private, with a NAT or VPC endpoints for SQS, ECR and Logs)"));
        p.set("SecurityGroups", obj().put("Type", "List<AWS::EC2::SecurityGroup::Id>").put("Description", "security groups of the worker's tasks (egress to AWS APIs; no ingress needed)"));
        p.set("AssignPublicIp", obj().put("Type", "String").put("Default", "DISABLED").set("AllowedValues", strings("ENABLED", "DISABLED")));
        p.set("MinTasks", obj().put("Type", "Number").put("Default", 1).put("MinValue", 0).put("Description", "fewest tasks; 0 lets the service scale to zero"));
        p.set("MaxTasks", obj().put("Type", "Number").put("Default", 10).put("MinValue", 1));
        p.set("OnDemandBase", obj().put("Type", "Number").put("Default", 1).put("MinValue", 0).put("Description", "tasks always on FARGATE before any weight applies"));
        p.set("OnDemandWeight", obj().put("Type", "Number").put("Default", 1).put("MinValue", 0).put("Description", "FARGATE's share of the tasks beyond the base"));
        p.set("SpotWeight", obj().put("Type", "Number").put("Default", 4).put("MinValue", 0).put("Description", "FARGATE_SPOT's share of the tasks beyond the base"));
        p.set("WorkerConcurrency", obj().put("Type", "Number").put("Default", 64).put("MinValue", 1).put("Description", "messages one task processes at once (PIPEKIT_MAX_CONCURRENCY)"));
        p.set("MessageProcessingMillis", obj().put("Type", "Number").put("Default", 250).put("MinValue", 1).put("Description", "typical time one message takes"));
        p.set("AcceptableLatencySeconds", obj().put("Type", "Number").put("Default", 60).put("MinValue", 1)
                .put("Description", "how long a message may wait; scaling keeps backlog per task at what one task clears in this time"));
        ObjectNode retention = obj().put("Type", "Number").put("Default", 30).put("Description", "days the worker's logs are kept");
        ArrayNode allowed = retention.putArray("AllowedValues");
        LOG_RETENTION_DAYS.forEach(d -> allowed.add(String.valueOf(d)));
        p.set("LogRetentionDays", retention);
        if (model.queue().deadLetterTries() > 0) {
            p.set("AlarmTopicArn", obj().put("Type", "String").put("Default", "").put("Description", "SNS topic told when messages reach the DLQ; empty = none"));
        }
        return p;
    }

    private static ObjectNode taskDefinition(Deployment model) {
        ObjectNode td = obj();
        td.set("Family", sub("${Prefix}-worker"));
        td.set("RequiresCompatibilities", strings("FARGATE"));
        td.put("NetworkMode", "awsvpc");
        td.set("Cpu", ref("TaskCpu"));
        td.set("Memory", ref("TaskMemory"));
        // docs/aws-behaviour.md §5.3: Fargate Spot runs x86_64 only
        td.set("RuntimePlatform", obj().put("CpuArchitecture", "X86_64").put("OperatingSystemFamily", "LINUX"));
        td.set("ExecutionRoleArn", getAtt("ExecutionRole", "Arn"));
        td.set("TaskRoleArn", getAtt(TASK_ROLE, "Arn"));
        ObjectNode c = obj().put("Name", "worker");
        c.set("Image", ref("ContainerImage"));
        c.put("Essential", true);
        c.put("StopTimeout", STOP_TIMEOUT_SECONDS);
        ArrayNode env = c.putArray("Environment");
        env.add(env("PIPEKIT_QUEUE_URLS", ref(QUEUE)));
        env.add(env("PIPEKIT_MAX_CONCURRENCY", ref("WorkerConcurrency")));
        env.add(env("PIPEKIT_VISIBILITY_TIMEOUT", text(model.queue().visibilityTimeout().toSeconds() + "s")));
        env.add(env("PIPEKIT_SHUTDOWN_BUDGET", text(SHUTDOWN_BUDGET)));
        env.add(env("PIPEKIT_HEALTH_PORT", text(String.valueOf(HEALTH_PORT))));
        env.add(env("AWS_REGION", ref("AWS::Region")));
        // busybox wget ships in the Alpine JRE image; no extra JVM per probe
        ObjectNode hc = obj();
        hc.set("Command", strings("CMD-SHELL", "wget -q -T 4 -O /dev/null http://127.0.0.1:" + HEALTH_PORT + "/health || exit 1"));
        hc.put("Interval", 15).put("Timeout", 5).put("Retries", 3).put("StartPeriod", 30);
        c.set("HealthCheck", hc);
        ObjectNode logs = obj().put("LogDriver", "awslogs");
        ObjectNode opts = obj();
        opts.set("awslogs-group", ref("LogGroup"));
        opts.set("awslogs-region", ref("AWS::Region"));
        opts.put("awslogs-stream-prefix", "worker");
        logs.set("Options", opts);
        c.set("LogConfiguration", logs);
        td.set("ContainerDefinitions", arr(c));
        return td;
    }

    private static ObjectNode service(JsonNode clusterName) {
        ObjectNode s = obj();
        s.set("Cluster", clusterName);
        s.set("TaskDefinition", ref("TaskDefinition"));
        // no DesiredCount: scaling owns it, and an update of the stack must not reset it
        s.set("CapacityProviderStrategy", arr(
                obj().put("CapacityProvider", "FARGATE").<ObjectNode>set("Base", ref("OnDemandBase")).set("Weight", ref("OnDemandWeight")),
                obj().put("CapacityProvider", "FARGATE_SPOT").set("Weight", ref("SpotWeight"))));
        ObjectNode vpc = obj();
        vpc.set("Subnets", ref("Subnets"));
        vpc.set("SecurityGroups", ref("SecurityGroups"));
        vpc.set("AssignPublicIp", ref("AssignPublicIp"));
        s.set("NetworkConfiguration", obj().set("AwsvpcConfiguration", vpc));
        // docs/aws-behaviour.md §5.2: protected old tasks stay during a deployment, so new ones need room beside them
        ObjectNode deploy = obj().put("MinimumHealthyPercent", 100).put("MaximumPercent", 200);
        deploy.set("DeploymentCircuitBreaker", obj().put("Enable", true).put("Rollback", true));
        s.set("DeploymentConfiguration", deploy);
        s.put("EnableECSManagedTags", true);
        s.put("PropagateTags", "SERVICE");
        return s;
    }

    /**
     * Target tracking on backlog per task (visible messages / running tasks, metric math) divided by
     * what one task clears within the acceptable latency (concurrency × latency / processing time), held
     * at 1. Target tracking cannot leave zero tasks (it scales a multiple of the current count), so a
     * step policy adds the first task when messages wait and none runs.
     */
    private static void scaling(ObjectNode res, JsonNode clusterName) {
        ObjectNode vars = obj();
        vars.set("Cluster", clusterName);
        vars.set("Service", getAtt(SERVICE, "Name"));
        ObjectNode target = obj();
        target.set("ResourceId", obj().set("Fn::Sub", arr(text("service/${Cluster}/${Service}"), vars)));
        target.put("ScalableDimension", "ecs:service:DesiredCount").put("ServiceNamespace", "ecs");
        target.set("MinCapacity", ref("MinTasks"));
        target.set("MaxCapacity", ref("MaxTasks"));
        res.set("ScalableTarget", resource("AWS::ApplicationAutoScaling::ScalableTarget", target));

        ArrayNode metrics = Cfn.F.arrayNode();
        metrics.add(metric("visible", "AWS/SQS", "ApproximateNumberOfMessagesVisible", "Sum", queueDimension(QUEUE)));
        metrics.add(metric("running", "ECS/ContainerInsights", "RunningTaskCount", "Average", serviceDimensions(clusterName)));
        metrics.add(obj().put("Id", "backlog").put("Label", "backlog per task / backlog one task clears within the acceptable latency")
                .put("ReturnData", true).set("Expression",
                        sub("(visible / running) / (${WorkerConcurrency} * ${AcceptableLatencySeconds} * 1000 / ${MessageProcessingMillis})")));
        ObjectNode tracking = obj().put("TargetValue", 1.0).put("ScaleInCooldown", 120).put("ScaleOutCooldown", 60);
        tracking.set("CustomizedMetricSpecification", obj().set("Metrics", metrics));
        ObjectNode policy = obj();
        policy.set("PolicyName", sub("${Prefix}-backlog-per-task"));
        policy.put("PolicyType", "TargetTrackingScaling");
        policy.set("ScalingTargetId", ref("ScalableTarget"));
        policy.set("TargetTrackingScalingPolicyConfiguration", tracking);
        res.set("BacklogScalingPolicy", resource("AWS::ApplicationAutoScaling::ScalingPolicy", policy));

        ObjectNode step = obj().put("AdjustmentType", "ChangeInCapacity").put("Cooldown", 60);
        step.set("StepAdjustments", arr(obj().put("MetricIntervalLowerBound", 0).put("ScalingAdjustment", 1)));
        ObjectNode fromZero = obj();
        fromZero.set("PolicyName", sub("${Prefix}-scale-from-zero"));
        fromZero.put("PolicyType", "StepScaling");
        fromZero.set("ScalingTargetId", ref("ScalableTarget"));
        fromZero.set("StepScalingPolicyConfiguration", step);
        res.set("ScaleFromZeroPolicy", resource("AWS::ApplicationAutoScaling::ScalingPolicy", fromZero));

        ObjectNode alarm = obj().put("AlarmDescription", "messages wait and no worker task runs");
        ArrayNode am = Cfn.F.arrayNode();
        am.add(alarmMetric("visible", "AWS/SQS", "ApproximateNumberOfMessagesVisible", "Maximum", queueDimension(QUEUE)));
        am.add(alarmMetric("running", "ECS/ContainerInsights", "RunningTaskCount", "Maximum", serviceDimensions(clusterName)));
        am.add(obj().put("Id", "waiting").put("Expression", "IF(FILL(running, 0) < 1 AND visible > 0, 1, 0)").put("ReturnData", true));
        alarm.set("Metrics", am);
        alarm.put("ComparisonOperator", "GreaterThanOrEqualToThreshold").put("Threshold", 1).put("EvaluationPeriods", 1)
                .put("TreatMissingData", "notBreaching");
        alarm.set("AlarmActions", arr(ref("ScaleFromZeroPolicy")));
        res.set("ScaleFromZeroAlarm", resource("AWS::CloudWatch::Alarm", alarm));
    }

    private static ObjectNode deadLetterAlarm() {
        ObjectNode a = obj().put("AlarmDescription", "messages reached the worker queue's dead-letter queue")
                .put("Namespace", "AWS/SQS").put("MetricName", "ApproximateNumberOfMessagesVisible");
        a.set("Dimensions", queueDimension(DLQ));
        a.put("Statistic", "Maximum").put("Period", 60).put("EvaluationPeriods", 1).put("Threshold", 0)
                .put("ComparisonOperator", "GreaterThanThreshold").put("TreatMissingData", "notBreaching");
        a.set("AlarmActions", obj().set("Fn::If", arr(text("HasAlarmTopic"), arr(ref("AlarmTopicArn")), ref("AWS::NoValue"))));
        return a;
    }

    private static ArrayNode queueDimension(String queue) {
        return arr(obj().put("Name", "QueueName").set("Value", getAtt(queue, "QueueName")));
    }

    private static ArrayNode serviceDimensions(JsonNode clusterName) {
        return arr(obj().put("Name", "ClusterName").set("Value", clusterName),
                obj().put("Name", "ServiceName").set("Value", getAtt(SERVICE, "Name")));
    }

    /** A metric for target tracking ({@code TargetTrackingMetricDataQuery}). */
    private static ObjectNode metric(String id, String namespace, String name, String stat, ArrayNode dimensions) {
        ObjectNode m = obj().put("Namespace", namespace).put("MetricName", name);
        m.set("Dimensions", dimensions);
        ObjectNode ms = obj();
        ms.set("Metric", m);
        ms.put("Stat", stat);
        return obj().put("Id", id).put("ReturnData", false).set("MetricStat", ms);
    }

    /** A metric for an alarm ({@code MetricDataQuery}: the stat needs a period). */
    private static ObjectNode alarmMetric(String id, String namespace, String name, String stat, ArrayNode dimensions) {
        ObjectNode q = metric(id, namespace, name, stat, dimensions);
        ((ObjectNode) q.get("MetricStat")).put("Period", 60);
        return q;
    }

    private static ObjectNode env(String name, JsonNode value) {
        return obj().put("Name", name).set("Value", value);
    }

    private static void output(ObjectNode outputs, String name, JsonNode value, String description) {
        ObjectNode o = obj();
        if (description != null) {
            o.put("Description", description);
        }
        o.set("Value", value);
        outputs.set(name, o);
    }
}
