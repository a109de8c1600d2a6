package io.pipekit.ops.doctor;

import io.pipekit.ops.OpsClients;
import io.pipekit.pipes.model.Deployment;
import io.pipekit.pipes.spec.SubscriptionSpec;
import io.pipekit.worker.WorkerOptions;
import io.pipekit.worker.BackoffPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * Reads what is deployed around one worker queue, with read-only calls only, and reports what will
 * fail silently: the pipes and rules that deliver into it, their roles and policies, the queue's
 * redrive, encryption and timeouts, and the worker's task role. See docs/operations.md for every check.
 *
 * <pre>{@code
 * try (OpsClients aws = OpsClients.fromEnvironment(null)) {
 *     Report report = new Doctor(aws, Doctor.Options.forQueue(queueUrl)).run();
 *     System.out.print(report.table());      // exit with report.exitCode()
 * }
 * }</pre>
 */
public final class Doctor {

    /**
     * @param queueUrl the worker queue; null to take it from the spec
     * @param spec what should exist (null: discover from the queue)
     * @param taskRoleArn the worker's ECS task role, or null to skip that check
     * @param handlerP99 the handler's p99 duration, or null
     * @param worker the worker's settings doctor checks the queue against (visibility, heartbeat,
     *     back-off); {@link #forQueue(String)} uses the worker's defaults
     * @param outageTolerance how long a downstream outage may last before retries move messages to the DLQ
     */
    public record Options(String queueUrl, SubscriptionSpec spec, String taskRoleArn, Duration handlerP99,
            WorkerOptions worker, Duration outageTolerance) {

        public Options {
            if (queueUrl == null && spec == null) {
                throw new IllegalArgumentException("doctor needs a queue URL or a spec");
            }
            Objects.requireNonNull(worker, "worker");
            Objects.requireNonNull(outageTolerance, "outageTolerance");
        }

        /** The worker's own defaults: 30 s visibility, heartbeat at half of it, back-off 2 s ×2 up to 15 min. */
        public static Options forQueue(String queueUrl) {
            return new Options(queueUrl, null, null, null, WorkerOptions.builder(queueUrl == null ? "probe" : queueUrl).build(), DEFAULT_OUTAGE_TOLERANCE);
        }

        /** The spec's queue (looked up by name), the worker's defaults. */
        public static Options forSpec(SubscriptionSpec spec) {
            return new Options(null, spec, null, null, WorkerOptions.builder("https://sqs.invalid/000000000000/" + spec.queue().name()).build(), DEFAULT_OUTAGE_TOLERANCE);
        }

        public Options withSpec(SubscriptionSpec value) {
            return new Options(queueUrl, value, taskRoleArn, handlerP99, worker, outageTolerance);
        }

        public Options withTaskRole(String value) {
            return new Options(queueUrl, spec, value, handlerP99, worker, outageTolerance);
        }

        public Options withHandlerP99(Duration value) {
            return new Options(queueUrl, spec, taskRoleArn, value, worker, outageTolerance);
        }

        public Options withWorker(WorkerOptions value) {
            return new Options(queueUrl, spec, taskRoleArn, handlerP99, value, outageTolerance);
        }

        public Options withOutageTolerance(Duration value) {
            return new Options(queueUrl, spec, taskRoleArn, handlerP99, worker, value);
        }
    }

    /** A downstream outage shorter than this should not dead-letter messages. */
    public static final Duration DEFAULT_OUTAGE_TOLERANCE = Duration.ofMinutes(5);

    private final OpsClients aws;
    private final Options options;

    public Doctor(OpsClients aws, Options options) {
        this.aws = aws;
        this.options = options;
    }

    public Report run() {
        Findings out = new Findings();
        List<String> scope = new ArrayList<>();
        String url = options.queueUrl();
        if (url == null) {
            String name = options.spec().queue().name();
            try {
                url = Aws.read(out, "queue", name, "sqs:GetQueueUrl", () -> aws.sqs().getQueueUrl(b -> b.queueName(name)).queueUrl());
            } catch (QueueDoesNotExistException e) {
                out.add(Finding.error("queue-missing", name, "the spec's worker queue does not exist: every subscription into it fails",
                        "apply the spec (`pipekit apply`) or deploy the stack that creates the queue"));
            }
            if (url == null) {
                return Report.of(List.of("queue " + name), out.list());
            }
        }
        QueueFacts queue = queueFacts(out, url);
        if (queue == null) {
            return Report.of(List.of("queue " + url), out.list());
        }
        scope.add("queue " + queue.url());
        QueueChecks.run(queue, options, this::queueFacts, out);
        List<PipeChecks.DeployedPipe> pipes = PipeChecks.discover(aws, queue, options.spec(), out);
        pipes.forEach(p -> scope.add("pipe " + p.name()));
        List<RuleChecks.DeployedRule> rules = RuleChecks.discover(aws, queue, options.spec(), out);
        rules.forEach(r -> scope.add("rule " + r.arn()));
        KeyChecks keys = new KeyChecks(aws, out);
        PipeChecks.run(aws, queue, pipes, keys, this::queueFacts, out);
        RuleChecks.run(queue, rules, keys, this::queueFacts, out);
        if (options.spec() != null) {
            SpecChecks.run(Deployment.of(options.spec()), queue, pipes, rules, out);
        }
        if (options.taskRoleArn() != null) {
            scope.add("task role " + options.taskRoleArn());
            RoleChecks.taskRole(aws, queue, options.taskRoleArn(), keys, out);
        }
        return Report.of(scope, out.list());
    }

    /** Attributes of a queue, or null (with a finding) when it is missing or unreadable. */
    private QueueFacts queueFacts(Findings out, String url) {
        Map<String, String> attributes;
        try {
            attributes = Aws.read(out, "queue", url, "sqs:GetQueueAttributes", () -> aws.sqs()
                    .getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.ALL)).attributesAsStrings());
        } catch (QueueDoesNotExistException e) {
            out.add(Finding.error("queue-missing", url, "the queue does not exist", "create it, or pass the right --queue-url"));
            return null;
        }
        if (attributes == null) {
            return null;
        }
        Set<String> dropped = new TreeSet<>();
        try {
            String tag = aws.sqs().listQueueTags(b -> b.queueUrl(url)).tags().get("pipekit:unsupported-attributes");
            if (tag != null) {
                dropped.addAll(List.of(tag.trim().split("\\s+")));
            }
        } catch (SdkException e) {
            // tags only tell which attributes an emulator drops; without them every check still runs
        }
        return new QueueFacts(url, attributes.get("QueueArn"), new HashMap<>(attributes), dropped);
    }

    /** Facts about a queue named by ARN (a DLQ), or null when it does not exist or is unreadable. */
    private QueueFacts queueFacts(Findings out, String arn, String role) {
        String[] parts = arn.split(":");
        if (parts.length < 6) {
            return null;
        }
        String url;
        try {
            url = Aws.read(out, role, arn, "sqs:GetQueueUrl", () -> aws.sqs().getQueueUrl(b -> b.queueName(parts[5]).queueOwnerAWSAccountId(parts[4])).queueUrl());
        } catch (QueueDoesNotExistException e) {
            return null;
        }
        return url == null ? null : queueFacts(out, url);
    }

    /** Seconds a message spends in retries before it moves to the DLQ: the back-off's shortest draw (jitter halves it). */
    static Duration retryWindow(BackoffPolicy backoff, int maxReceiveCount) {
        Duration total = Duration.ZERO;
        for (int receive = 1; receive < maxReceiveCount; receive++) {
            Duration d = backoff.delayFor(receive, () -> 0.0);
            total = total.plus(d);
        }
        return total;
    }
}
