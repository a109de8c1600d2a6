package io.pipekit.pipes.model;

import io.pipekit.pipes.spec.RuleSubscription;
import java.util.function.Function;
import software.amazon.awssdk.services.eventbridge.model.DeadLetterConfig;
import software.amazon.awssdk.services.eventbridge.model.InputTransformer;
import software.amazon.awssdk.services.eventbridge.model.RetryPolicy;
import software.amazon.awssdk.services.eventbridge.model.SqsParameters;
import software.amazon.awssdk.services.eventbridge.model.Target;

/** One EventBridge rule with the worker queue as its one target (docs/aws-behaviour.md §2.4). */
public record Rule(RuleSubscription subscription) {

    /** The id of the rule's one target. */
    public static final String TARGET_ID = "worker-queue";

    public String name() {
        return subscription.name();
    }

    public Ref arn() {
        return new Ref.RuleArn(name(), subscription.defaultBus() ? null : subscription.bus());
    }

    public Ref deadLetterQueue() {
        return subscription.deadLetterQueue() ? new Ref.DeadLetterQueueArn(name()) : null;
    }

    /** The PutTargets entry (CloudFormation's {@code Targets[]} has the same fields). */
    public Target target(Function<Ref, String> arn) {
        RuleSubscription r = subscription;
        Target.Builder t = Target.builder().id(TARGET_ID).arn(arn.apply(Ref.WORKER_QUEUE)).inputPath(r.inputPath());
        if (r.transformer() != null) {
            t.inputTransformer(InputTransformer.builder().inputPathsMap(r.transformer().inputPathsMap())
                    .inputTemplate(r.transformer().inputTemplate()).build());
        }
        if (r.fifoGroupId() != null) {
            t.sqsParameters(SqsParameters.builder().messageGroupId(r.fifoGroupId()).build());
        }
        if (r.retries() != null || r.maxEventAge() != null) {
            t.retryPolicy(RetryPolicy.builder().maximumRetryAttempts(r.retries())
                    .maximumEventAgeInSeconds(r.maxEventAge() == null ? null : (int) r.maxEventAge().toSeconds()).build());
        }
        if (r.deadLetterQueue()) {
            t.deadLetterConfig(DeadLetterConfig.builder().arn(arn.apply(deadLetterQueue())).build());
        }
        return t.build();
    }

    /** docs/aws-behaviour.md §2.4: EventBridge delivers as a service principal, so the queue must admit this one rule. */
    public Statement sendStatement(String sid, Ref queue) {
        return Statement.service(sid, "events.amazonaws.com", Actions.SEND, queue,
                new Statement.Condition("ArnEquals", "aws:SourceArn", arn()));
    }
}
