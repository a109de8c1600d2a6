package io.pipekit.pipes.model;

import io.pipekit.pipes.spec.PipeSubscription;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import software.amazon.awssdk.services.pipes.model.DeadLetterConfig;
import software.amazon.awssdk.services.pipes.model.Filter;
import software.amazon.awssdk.services.pipes.model.FilterCriteria;
import software.amazon.awssdk.services.pipes.model.PipeSourceDynamoDBStreamParameters;
import software.amazon.awssdk.services.pipes.model.PipeSourceKinesisStreamParameters;
import software.amazon.awssdk.services.pipes.model.PipeSourceParameters;
import software.amazon.awssdk.services.pipes.model.PipeSourceSqsQueueParameters;
import software.amazon.awssdk.services.pipes.model.PipeTargetParameters;
import software.amazon.awssdk.services.pipes.model.PipeTargetSqsQueueParameters;

/**
 * One pipe into the worker queue and its role. The parameters are the Pipes API's own shapes
 * (CloudFormation's {@code AWS::Pipes::Pipe} uses the same property names, docs/aws-behaviour.md §7),
 * built once here: the SDK path sends them, the renderer writes them out field by field.
 */
public record Pipe(PipeSubscription subscription) {

    public String name() {
        return subscription.name();
    }

    public Ref source() {
        return new Ref.SourceArn(name());
    }

    public Ref deadLetterQueue() {
        return subscription.deadLetterQueue() ? new Ref.DeadLetterQueueArn(name()) : null;
    }

    /** docs/aws-behaviour.md §1.11: Pipes assume the role, pinned to this account (confused-deputy guard). */
    public static Statement trust() {
        return new Statement(null, new Statement.Principal.Service("pipes.amazonaws.com"), Actions.ASSUME_ROLE, List.of(),
                new Statement.Condition("StringEquals", "aws:SourceAccount", Ref.ACCOUNT));
    }

    /**
     * Least privilege (docs/aws-behaviour.md §1.11): read the source, send to the worker queue and the
     * pipe's DLQ, and use the queue's customer key when it has one — a pipe needs no queue policy.
     */
    public List<Statement> permissions(boolean queueHasCustomerKey) {
        List<Statement> out = new ArrayList<>();
        out.add(Statement.allow("ReadSource", Actions.pipeSource(subscription.type()), source()));
        List<Ref> targets = new ArrayList<>(List.of(Ref.WORKER_QUEUE));
        if (subscription.deadLetterQueue()) {
            targets.add(deadLetterQueue());
        }
        out.add(new Statement("SendToWorkerQueue", null, Actions.SEND, targets, null));
        if (queueHasCustomerKey) {
            out.add(Statement.allow("UseQueueKey", Actions.KEY_FOR_SENDER, Ref.WORKER_KEY));
        }
        return out;
    }

    /** What CreatePipe's SourceParameters carry; {@code arn} resolves the pipe's DLQ. */
    public PipeSourceParameters sourceParameters(Function<Ref, String> arn) {
        PipeSubscription p = subscription;
        DeadLetterConfig dlq = p.deadLetterQueue() ? DeadLetterConfig.builder().arn(arn.apply(deadLetterQueue())).build() : null;
        Integer window = (int) p.window().toSeconds();
        Integer maxAge = p.maxRecordAge() == null ? null : (int) p.maxRecordAge().toSeconds();
        String bisect = p.bisectOnError() ? "AUTOMATIC_BISECT" : null;
        PipeSourceParameters.Builder sp = PipeSourceParameters.builder();
        if (!p.filters().isEmpty()) {
            sp.filterCriteria(FilterCriteria.builder().filters(p.filters().stream().map(f -> Filter.builder().pattern(f).build()).toList()).build());
        }
        switch (p.type()) {
            case KINESIS -> sp.kinesisStreamParameters(PipeSourceKinesisStreamParameters.builder()
                    .startingPosition(p.startingPosition()).startingPositionTimestamp(p.startingPositionTimestamp())
                    .batchSize(p.batchSize()).maximumBatchingWindowInSeconds(window).parallelizationFactor(p.parallelization())
                    .maximumRetryAttempts(p.retries()).maximumRecordAgeInSeconds(maxAge).onPartialBatchItemFailure(bisect)
                    .deadLetterConfig(dlq).build());
            case DYNAMODB -> sp.dynamoDBStreamParameters(PipeSourceDynamoDBStreamParameters.builder()
                    .startingPosition(p.startingPosition())
                    .batchSize(p.batchSize()).maximumBatchingWindowInSeconds(window).parallelizationFactor(p.parallelization())
                    .maximumRetryAttempts(p.retries()).maximumRecordAgeInSeconds(maxAge).onPartialBatchItemFailure(bisect)
                    .deadLetterConfig(dlq).build());
            case SQS -> sp.sqsQueueParameters(PipeSourceSqsQueueParameters.builder()
                    .batchSize(p.batchSize()).maximumBatchingWindowInSeconds(window).build());
        }
        return sp.build();
    }

    /** What CreatePipe's TargetParameters carry: the input template and, for a FIFO queue, group and dedup ids. */
    public PipeTargetParameters targetParameters() {
        PipeTargetParameters.Builder tp = PipeTargetParameters.builder().inputTemplate(subscription.inputTemplate());
        if (subscription.fifoGroupId() != null) {
            tp.sqsQueueParameters(PipeTargetSqsQueueParameters.builder().messageGroupId(subscription.fifoGroupId())
                    .messageDeduplicationId(subscription.deduplicationId()).build());
        }
        return tp.build();
    }
}
