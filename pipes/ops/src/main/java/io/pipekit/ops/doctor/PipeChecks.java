package io.pipekit.ops.doctor;

import io.pipekit.ops.OpsClients;
import io.pipekit.pipes.model.Actions;
import io.pipekit.pipes.spec.PipeSubscription;
import io.pipekit.pipes.spec.SourceType;
import io.pipekit.pipes.spec.SubscriptionSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.pipes.model.DescribePipeResponse;
import software.amazon.awssdk.services.pipes.model.ListPipesResponse;
import software.amazon.awssdk.services.pipes.model.PipeSourceParameters;
import software.amazon.awssdk.services.pipes.model.PipeState;
import software.amazon.awssdk.services.pipes.model.RequestedPipeStateDescribeResponse;

/** Pipes whose target is the worker queue (docs/aws-behaviour.md §1.8–§1.11). */
final class PipeChecks {

    /** The SQS target takes at most 10 entries per batch (docs/aws-behaviour.md §1.8). */
    static final int SQS_TARGET_MAX_BATCH = 10;
    /** A DynamoDB stream keeps records 24 h (docs/aws-behaviour.md §1.9). */
    static final Duration DYNAMODB_STREAM_RETENTION = Duration.ofHours(24);

    record DeployedPipe(String name, DescribePipeResponse describe) {
        String arn() {
            return describe.arn();
        }
    }

    private PipeChecks() {}

    static List<DeployedPipe> discover(OpsClients aws, QueueFacts queue, SubscriptionSpec spec, Findings out) {
        Map<String, DeployedPipe> found = new LinkedHashMap<>();
        try {
            String token = null;
            do {
                String t = token;
                ListPipesResponse page = aws.pipes().listPipes(b -> b.targetPrefix(queue.arn()).nextToken(t));
                for (var p : page.pipes()) {
                    if (queue.arn().equals(p.target())) {
                        DescribePipeResponse d = describe(aws, p.name(), out);
                        if (d != null) {
                            found.put(p.name(), new DeployedPipe(p.name(), d));
                        }
                    }
                }
                token = page.nextToken();
            } while (token != null);
        } catch (SdkException e) {
            if (!Aws.accessDenied(e)) {
                throw e;
            }
            out.add(Finding.unchecked("pipes", queue.arn(), "pipes:ListPipes", "to find the pipes that target the queue"));
        }
        if (spec != null) {
            for (PipeSubscription p : spec.pipes()) {
                String name = spec.resourcePrefix() + p.name();
                if (found.containsKey(name)) {
                    continue;
                }
                DescribePipeResponse d;
                try {
                    d = describe(aws, name, out);
                } catch (SdkException e) {
                    if (!Aws.notFound(e)) {
                        throw e;
                    }
                    out.add(Finding.error("spec-missing", "pipe " + name, "the spec declares subscription '" + p.name() + "' but no pipe " + name + " exists: its events never reach the worker",
                            "run `pipekit apply " + spec.source() + "`"));
                    continue;
                }
                if (d != null) {
                    out.add(Finding.error("spec-drift", d.arn(), "pipe " + name + " targets " + d.target() + ", not the worker queue " + queue.arn(),
                            "run `pipekit apply " + spec.source() + "` to put the target back"));
                }
            }
        }
        return new ArrayList<>(found.values());
    }

    private static DescribePipeResponse describe(OpsClients aws, String name, Findings out) {
        return Aws.read(out, "pipe-state", "pipe " + name, "pipes:DescribePipe", () -> aws.pipes().describePipe(b -> b.name(name)));
    }

    static void run(OpsClients aws, QueueFacts queue, List<DeployedPipe> pipes, KeyChecks keys, QueueLookup lookup, Findings out) {
        for (DeployedPipe pipe : pipes) {
            DescribePipeResponse d = pipe.describe();
            state(pipe, out);
            PipeSourceParameters source = d.sourceParameters();
            Integer batch = batchSize(source);
            if (batch != null && batch > SQS_TARGET_MAX_BATCH) {
                out.add(Finding.error("pipe-batch-size", d.arn(),
                        "BatchSize " + batch + " with an SQS target: SendMessageBatch takes at most " + SQS_TARGET_MAX_BATCH + " entries, so every batch fails and is retried, then dead-lettered",
                        "set BatchSize to 10 or less (UpdatePipe; spec: batchSize)"));
            }
            boolean groupMissing = d.targetParameters() == null || d.targetParameters().sqsQueueParameters() == null
                    || d.targetParameters().sqsQueueParameters().messageGroupId() == null;
            if (queue.fifo() && groupMissing) {
                out.add(Finding.error("pipe-fifo-group", d.arn(),
                        "the target is a FIFO queue but the pipe sets no MessageGroupId: SQS rejects every send",
                        "set TargetParameters.SqsQueueParameters.MessageGroupId (static, or a path such as $.partitionKey; spec: fifoGroupId)"));
            }
            String dlq = null;
            if (stream(d.source())) {
                dlq = streamChecks(aws, pipe, source, lookup, out);
            }
            RoleChecks.pipeRole(aws, pipe.name(), d.roleArn(), needs(d, queue, dlq, keys), out);
        }
    }

    private static void state(DeployedPipe pipe, Findings out) {
        DescribePipeResponse d = pipe.describe();
        PipeState current = d.currentState();
        String reason = d.stateReason() == null || d.stateReason().isBlank() ? null : d.stateReason();
        String because = reason == null ? "" : ": " + reason;
        if (current != null && current.toString().endsWith("_FAILED")) {
            out.add(Finding.error("pipe-state", d.arn(), "the pipe is " + current + because + "; nothing is delivered",
                    "fix the cause, then update or recreate the pipe (`pipekit apply`)"));
        } else if (current == PipeState.STOPPED && d.desiredState() == RequestedPipeStateDescribeResponse.RUNNING) {
            out.add(Finding.error("pipe-state", d.arn(), "AWS stopped the pipe" + because + "; nothing is delivered and the source keeps aging out",
                    "fix the cause, then `aws pipes start-pipe --name " + pipe.name() + "`"));
        } else if (d.desiredState() == RequestedPipeStateDescribeResponse.STOPPED) {
            out.add(Finding.warning("pipe-state", d.arn(), "the pipe is stopped on purpose (DesiredState STOPPED)" + because + ": nothing is delivered",
                    "`aws pipes start-pipe --name " + pipe.name() + "` when it should run"));
        } else if (reason != null && current == PipeState.RUNNING) {
            out.add(Finding.warning("pipe-state", d.arn(), "the pipe runs but reports: " + reason, "read the pipe's logs (LogConfiguration) for the failing calls"));
        }
    }

    /** Retry, age and DLQ settings of a stream source; returns the DLQ ARN. */
    private static String streamChecks(OpsClients aws, DeployedPipe pipe, PipeSourceParameters source, QueueLookup lookup, Findings out) {
        DescribePipeResponse d = pipe.describe();
        boolean kinesis = d.source().contains(":kinesis:");
        var k = source == null ? null : source.kinesisStreamParameters();
        var ddb = source == null ? null : source.dynamoDBStreamParameters();
        Integer retries = kinesis ? (k == null ? null : k.maximumRetryAttempts()) : (ddb == null ? null : ddb.maximumRetryAttempts());
        Integer maxAge = kinesis ? (k == null ? null : k.maximumRecordAgeInSeconds()) : (ddb == null ? null : ddb.maximumRecordAgeInSeconds());
        var dlqConfig = kinesis ? (k == null ? null : k.deadLetterConfig()) : (ddb == null ? null : ddb.deadLetterConfig());
        String dlq = dlqConfig == null ? null : dlqConfig.arn();
        boolean infiniteRetries = retries == null || retries == -1;
        boolean infiniteAge = maxAge == null || maxAge == -1;
        Duration retention = kinesis ? kinesisRetention(aws, d.source(), out) : DYNAMODB_STREAM_RETENTION;
        if (infiniteRetries && infiniteAge) {
            out.add(Finding.warning("pipe-retries", d.arn(),
                    "MaximumRetryAttempts and MaximumRecordAgeInSeconds are both infinite: one failing record blocks its shard until the stream's retention drops it, then it is lost"
                            + (dlq == null ? "" : " without a DLQ record"),
                    "set MaximumRetryAttempts (e.g. 10) or MaximumRecordAgeInSeconds below the stream's retention (spec: retries, maxRecordAge)"));
        } else if (dlq == null) {
            out.add(Finding.warning("pipe-dlq-missing", d.arn(),
                    "no DeadLetterConfig: a batch that exhausts its retries is skipped and leaves no trace to replay",
                    "give the pipe a DLQ (SourceParameters.…DeadLetterConfig; spec: deadLetterQueue: true)"));
        }
        if (dlq != null && retention != null && !infiniteAge && Duration.ofSeconds(maxAge).compareTo(retention) >= 0) {
            out.add(Finding.warning("pipe-record-age", d.arn(),
                    "MaximumRecordAgeInSeconds " + maxAge + " s is not below the stream's retention (" + QueueChecks.seconds(retention)
                            + "): a DLQ record may point at records the stream no longer has, so `pipekit dlq replay` cannot bring them back",
                    "set MaximumRecordAgeInSeconds well below the retention (docs/aws-behaviour.md §1.9)"));
        }
        if (dlq != null && dlq.startsWith("arn:aws:sqs:")) {
            QueueFacts dlqFacts = lookup.byArn(out, dlq, "pipe-dlq");
            if (dlqFacts == null) {
                out.add(Finding.error("pipe-dlq-missing", dlq, "the pipe's dead-letter queue does not exist: exhausted batches leave no record",
                        "create the queue or point DeadLetterConfig at an existing standard queue"));
            } else if (dlqFacts.fifo()) {
                out.add(Finding.error("pipe-dlq-fifo", dlq, "a pipe's dead-letter queue must be a standard queue", "use a standard SQS queue"));
            }
        }
        return dlq;
    }

    private static Duration kinesisRetention(OpsClients aws, String streamArn, Findings out) {
        if (aws.kinesis() == null) {
            return null;
        }
        String name = streamArn.substring(streamArn.indexOf(":stream/") + ":stream/".length());
        try {
            Integer hours = Aws.read(out, "pipe-record-age", streamArn, "kinesis:DescribeStreamSummary",
                    () -> aws.kinesis().describeStreamSummary(b -> b.streamName(name)).streamDescriptionSummary().retentionPeriodHours());
            return hours == null ? null : Duration.ofHours(hours);
        } catch (SdkException e) {
            if (Aws.notFound(e)) {
                out.add(Finding.error("pipe-source-missing", streamArn, "the pipe's source stream does not exist; AWS stops such a pipe",
                        "delete the pipe and create it again on an existing stream (the source cannot be changed, docs/aws-behaviour.md §1.10)"));
                return null;
            }
            throw e;
        }
    }

    private static Integer batchSize(PipeSourceParameters source) {
        if (source == null) {
            return null;
        }
        if (source.kinesisStreamParameters() != null) {
            return source.kinesisStreamParameters().batchSize();
        }
        if (source.dynamoDBStreamParameters() != null) {
            return source.dynamoDBStreamParameters().batchSize();
        }
        return source.sqsQueueParameters() == null ? null : source.sqsQueueParameters().batchSize();
    }

    static boolean stream(String sourceArn) {
        return sourceArn.contains(":kinesis:") || (sourceArn.contains(":dynamodb:") && sourceArn.contains("/stream/"));
    }

    /** What the pipe role needs (docs/aws-behaviour.md §1.11). */
    private static List<RoleChecks.Need> needs(DescribePipeResponse d, QueueFacts queue, String dlq, KeyChecks keys) {
        List<RoleChecks.Need> needs = new ArrayList<>();
        String src = d.source();
        String read = "the pipe cannot read its source; AWS stops it with a StateReason";
        SourceType type = src.contains(":kinesis:") ? SourceType.KINESIS : src.contains(":dynamodb:") ? SourceType.DYNAMODB : SourceType.SQS;
        // the same action lists pipekit grants (io.pipekit.pipes.model.Actions), checked on the deployed role
        List<String> sourceActions = Actions.pipeSource(type);
        sourceActions.forEach(a -> needs.add(new RoleChecks.Need(a, src, Severity.ERROR, read)));
        Actions.SEND.forEach(a -> needs.add(new RoleChecks.Need(a, queue.arn(), Severity.ERROR, "every delivery to the worker queue fails and is retried, then dead-lettered")));
        if (dlq != null) {
            Actions.SEND.forEach(a -> needs.add(new RoleChecks.Need(a, dlq, Severity.ERROR, "failed batches cannot be written to the DLQ, so they are lost")));
        }
        String key = keys.arn(queue.kmsKey());
        if (key != null) {
            Actions.KEY_FOR_SENDER.forEach(a -> needs.add(new RoleChecks.Need(a, key, Severity.ERROR, "sends into the KMS-encrypted worker queue fail (KMS.AccessDeniedException)")));
        }
        return needs;
    }
}
