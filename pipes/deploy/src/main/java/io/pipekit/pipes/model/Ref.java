package io.pipekit.pipes.model;

/**
 * A value in the desired resources that each deployment path knows in its own way: the SDK path as
 * a real ARN it looked up, a rendered template as an intrinsic ({@code Fn::GetAtt}, {@code Ref},
 * {@code Fn::Sub}). The model holds only these, so one derivation serves both paths.
 */
public sealed interface Ref {

    /** The worker queue's ARN. */
    record WorkerQueueArn() implements Ref {}

    /** The worker queue's URL (what the worker is given). */
    record WorkerQueueUrl() implements Ref {}

    /** The worker queue's customer-managed KMS key (only with {@code encryption: kms}). */
    record WorkerKeyArn() implements Ref {}

    /** The worker queue's own dead-letter queue. */
    record WorkerDeadLetterQueueArn() implements Ref {}

    /** The dead-letter queue of one pipe or rule. */
    record DeadLetterQueueArn(String subscription) implements Ref {}

    /** The source stream, table stream or queue of one pipe. */
    record SourceArn(String subscription) implements Ref {}

    /** The ARN of one rule pipekit names (what a queue-policy condition pins). */
    record RuleArn(String rule, String bus) implements Ref {}

    /** This account's id. */
    record Account() implements Ref {}

    /** This account as a principal, {@code arn:…:iam::<account>:root}: a key policy delegating to IAM. */
    record AccountRoot() implements Ref {}

    /** The worker's task role. */
    record TaskRoleArn() implements Ref {}

    /** The ARNs of the tasks in the worker's cluster, {@code arn:…:task/<cluster>/*}. */
    record ClusterTasks() implements Ref {}

    /** {@code "*"} in a key policy, where it means "this key" (docs/aws-behaviour.md §7.3). */
    record ThisKey() implements Ref {}

    /** A value written in the spec, e.g. a topic ARN. */
    record Literal(String value) implements Ref {}

    Ref WORKER_QUEUE = new WorkerQueueArn();
    Ref WORKER_QUEUE_URL = new WorkerQueueUrl();
    Ref WORKER_KEY = new WorkerKeyArn();
    Ref WORKER_DLQ = new WorkerDeadLetterQueueArn();
    Ref ACCOUNT = new Account();
    Ref ACCOUNT_ROOT = new AccountRoot();
    Ref TASK_ROLE = new TaskRoleArn();
    Ref CLUSTER_TASKS = new ClusterTasks();
    Ref THIS_KEY = new ThisKey();
}
