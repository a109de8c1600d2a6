package io.pipekit.pipes.model;

import io.pipekit.pipes.spec.SubscriptionSpec;
import io.pipekit.pipes.spec.WorkerQueue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The resources a spec asks for, derived once: the worker queue and its DLQ, the pipes with their
 * roles, the rules with their targets, the SNS subscriptions, every queue-policy and key-policy
 * statement, and the worker's own grants. {@code pipekit apply} reconciles AWS with it through the
 * SDK and {@code pipekit render} writes it as CloudFormation; neither decides on its own what a
 * subscription means on AWS.
 *
 * <p>Names here are suffixes: each path puts its own prefix in front ({@code pipekit-<spec>-} for
 * the SDK, a {@code Prefix} parameter or Copilot's {@code <app>-<env>-<svc>-} when rendered).
 */
public record Deployment(SubscriptionSpec spec, List<Pipe> pipes, List<Rule> rules, List<Topic> topics) {

    /** docs/aws-behaviour.md §9: 14 days, the SQS maximum, for every dead-letter queue. */
    public static final int DLQ_RETENTION_SECONDS = 1_209_600;

    public Deployment {
        pipes = List.copyOf(pipes);
        rules = List.copyOf(rules);
        topics = List.copyOf(topics);
    }

    public static Deployment of(SubscriptionSpec spec) {
        return new Deployment(spec, spec.pipes().stream().map(Pipe::new).toList(),
                spec.rules().stream().map(Rule::new).toList(), spec.topics().stream().map(Topic::new).toList());
    }

    public WorkerQueue queue() {
        return spec.queue();
    }

    public boolean customerKey() {
        return queue().encryption() == WorkerQueue.Encryption.KMS;
    }

    /** Every statement pipekit writes into a shared policy starts with this Sid prefix, so destroy finds exactly its own. */
    public String sidPrefix() {
        return "Pipekit" + spec.logicalId();
    }

    // ---- queues ------------------------------------------------------------------------------

    /**
     * The worker queue's attributes under their SQS API names, which CloudFormation's
     * {@code AWS::SQS::Queue} shares (RedrivePolicy is JSON text here, an object in a template).
     */
    public Map<String, String> workerQueueAttributes(Function<Ref, String> arn) {
        WorkerQueue q = queue();
        Map<String, String> a = new LinkedHashMap<>();
        a.put("VisibilityTimeout", Long.toString(q.visibilityTimeout().toSeconds()));
        if (q.fifo()) {
            a.put("FifoQueue", "true");
            a.put("ContentBasedDeduplication", Boolean.toString(q.contentBasedDeduplication()));
        }
        a.putAll(encryption(arn));
        if (q.deadLetterTries() > 0) {
            a.put("RedrivePolicy", "{\"deadLetterTargetArn\":\"" + arn.apply(Ref.WORKER_DLQ) + "\",\"maxReceiveCount\":" + q.deadLetterTries() + "}");
        }
        return a;
    }

    /** The worker queue's own DLQ: same type (FIFO ↔ FIFO, docs/aws-behaviour.md §9), same encryption. */
    public Map<String, String> workerDeadLetterQueueAttributes(Function<Ref, String> arn) {
        Map<String, String> a = new LinkedHashMap<>();
        if (queue().fifo()) {
            a.put("FifoQueue", "true");
        }
        a.put("MessageRetentionPeriod", Integer.toString(DLQ_RETENTION_SECONDS));
        a.putAll(encryption(arn));
        return a;
    }

    /** Name of the worker queue's DLQ. */
    public String workerDeadLetterQueueName() {
        WorkerQueue q = queue();
        return q.fifo() ? q.name().replace(".fifo", "-dlq.fifo") : q.name() + "-dlq";
    }

    private Map<String, String> encryption(Function<Ref, String> arn) {
        return customerKey() ? Map.of("KmsMasterKeyId", arn.apply(Ref.WORKER_KEY)) : Map.of("SqsManagedSseEnabled", "true");
    }

    /** A pipe's or rule's DLQ: only failure metadata or events land there, SSE-SQS is enough. */
    public static Map<String, String> subscriptionDeadLetterQueueAttributes() {
        return Map.of("MessageRetentionPeriod", Integer.toString(DLQ_RETENTION_SECONDS), "SqsManagedSseEnabled", "true");
    }

    /** Subscriptions (pipes and rules) that have their own DLQ, in spec order. */
    public List<String> deadLetterQueues() {
        List<String> out = new ArrayList<>();
        pipes.stream().filter(p -> p.subscription().deadLetterQueue()).forEach(p -> out.add(p.name()));
        rules.stream().filter(r -> r.subscription().deadLetterQueue()).forEach(r -> out.add(r.name()));
        return out;
    }

    /** docs/aws-behaviour.md §7.3: a rule's DLQ must admit that rule like the worker queue does; a pipe's needs nothing. */
    public List<Statement> deadLetterQueuePolicy(String subscription) {
        return rules.stream().filter(r -> r.name().equals(subscription) && r.subscription().deadLetterQueue())
                .map(r -> r.sendStatement(sidPrefix() + "RuleDeadLetters", r.deadLetterQueue())).toList();
    }

    // ---- policies ----------------------------------------------------------------------------

    /** pipekit's statements in the worker queue's one policy document: one per rule and per topic. */
    public List<Statement> queuePolicy() {
        List<Statement> out = new ArrayList<>();
        rules.forEach(r -> out.add(r.sendStatement(sidPrefix() + "Rule" + r.subscription().logicalId(), Ref.WORKER_QUEUE)));
        topics.forEach(t -> out.add(t.sendStatement(sidPrefix() + "Topic" + t.subscription().logicalId(), Ref.WORKER_QUEUE)));
        return out;
    }

    /**
     * Statements the queue's customer key needs beyond its account and the worker: the services that
     * deliver into the queue (docs/aws-behaviour.md §6.3, §7.3). Pipes act with their role and need none.
     */
    public List<Statement> keyPolicy() {
        List<Statement> out = new ArrayList<>();
        if (!rules.isEmpty()) {
            out.add(new Statement(sidPrefix() + "KeyForEventBridge", new Statement.Principal.Service("events.amazonaws.com"),
                    Actions.KEY_FOR_SENDER, List.of(Ref.THIS_KEY), null));
        }
        if (!topics.isEmpty()) {
            out.add(new Statement(sidPrefix() + "KeyForSns", new Statement.Principal.Service("sns.amazonaws.com"),
                    Actions.KEY_FOR_SENDER, List.of(Ref.THIS_KEY), null));
        }
        return out;
    }

    /** What the worker does on its queue (receive, delete, extend): granted to the task role. */
    public Statement workerQueueAccess() {
        return Statement.allow(sidPrefix() + "WorkerQueue", Actions.WORKER_QUEUE, Ref.WORKER_QUEUE);
    }

    /** The worker's Decrypt on the queue's customer key, or null for SSE-SQS. */
    public Statement workerKeyAccess() {
        return customerKey() ? Statement.allow(sidPrefix() + "WorkerQueueKey", Actions.WORKER_KEY, Ref.WORKER_KEY) : null;
    }

    /** Task scale-in protection on the tasks of the worker's own cluster (docs/aws-behaviour.md §5.2). */
    public Statement taskProtection() {
        return Statement.allow(sidPrefix() + "TaskProtection", Actions.TASK_PROTECTION, Ref.CLUSTER_TASKS);
    }

    /** ECS tasks assume the worker's task and execution roles. */
    public static Statement taskTrust() {
        return new Statement(null, new Statement.Principal.Service("ecs-tasks.amazonaws.com"), Actions.ASSUME_ROLE, List.of(), null);
    }

    /**
     * The first statement of a customer key pipekit creates: the account administers the key and
     * IAM policies grant its use (AWS's default key policy), so pipe and task roles need no key-policy entry.
     */
    public static Statement keyAdministration() {
        return new Statement("AccountAdministersTheKey", new Statement.Principal.Aws(Ref.ACCOUNT_ROOT), Actions.KEY_ADMIN,
                List.of(Ref.THIS_KEY), null);
    }

    /** Every grant of the worker's task role, as an identity policy. */
    public List<Statement> workerGrants() {
        List<Statement> out = new ArrayList<>(List.of(workerQueueAccess()));
        if (customerKey()) {
            out.add(workerKeyAccess());
        }
        out.add(taskProtection());
        return out;
    }

    // ---- names -------------------------------------------------------------------------------

    /**
     * Every physical name this deployment makes with {@code prefix} in front that breaks an AWS
     * length limit, as "kind name (n characters, at most m)".
     */
    public List<String> nameProblems(String prefix) {
        List<String> out = new ArrayList<>();
        for (Pipe p : pipes) {
            check(out, "pipe", prefix + p.name(), AwsLimits.PIPE_NAME);
            check(out, "pipe role", prefix + p.name(), AwsLimits.ROLE_NAME);
        }
        for (Rule r : rules) {
            check(out, "rule", prefix + r.name(), AwsLimits.RULE_NAME);
        }
        for (String d : deadLetterQueues()) {
            check(out, "dead-letter queue", prefix + d + "-dlq", AwsLimits.QUEUE_NAME);
        }
        check(out, "worker queue", queue().name(), AwsLimits.QUEUE_NAME);
        check(out, "worker dead-letter queue", workerDeadLetterQueueName(), AwsLimits.QUEUE_NAME);
        return out;
    }

    private static void check(List<String> out, String kind, String name, int max) {
        if (name.length() > max) {
            out.add(kind + " " + name + " (" + name.length() + " characters, at most " + max + ")");
        }
    }
}
