package io.pipekit.pipes.provision;

import io.pipekit.pipes.spec.PipeSubscription;
import io.pipekit.pipes.spec.SourceRef;
import io.pipekit.pipes.spec.SubscriptionSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Makes AWS match a spec through the SDK: {@link #plan} shows what would be created, changed or
 * deleted; {@link #apply} does it (idempotent: a second apply changes nothing); {@link #destroy}
 * removes exactly what apply made. Works against AWS, LocalStack or the local runtime — whatever
 * endpoints the {@link AwsClients} point at.
 *
 * <pre>{@code
 * SubscriptionSpec spec = SpecLoader.load(Path.of("copilot/subscriptions.yml"));
 * try (AwsClients aws = AwsClients.fromEnvironment(true)) {
 *     Provisioner p = new Provisioner(aws, ProvisionOptions.defaults());
 *     System.out.println(p.plan(spec).describe());
 *     p.apply(spec);
 * }
 * }</pre>
 */
public final class Provisioner {

    private static final Logger LOG = LoggerFactory.getLogger(Provisioner.class);

    private final AwsClients clients;
    private final ProvisionOptions options;

    public Provisioner(AwsClients clients, ProvisionOptions options) {
        this.clients = clients;
        this.options = options;
    }

    /** What {@link #apply} would do now. Reads only. */
    public Plan plan(SubscriptionSpec spec) {
        return build(spec, false).plan();
    }

    /** Applies the spec and returns the changes made. */
    public Plan apply(SubscriptionSpec spec) {
        Work work = build(spec, false);
        List<Change> done = new ArrayList<>();
        if (work.ctx.queueUrl == null) {
            // everything else refers to the worker queue's ARN: create it, then plan against the real one
            run(work.queueSteps, done);
            work = build(spec, false);
        }
        run(work.steps, done);
        return new Plan(done, work.ctx.unchanged, work.ctx.notes);
    }

    /** What {@link #destroy} would delete. Reads only. */
    public Plan planDestroy(SubscriptionSpec spec) {
        return build(spec, true).plan();
    }

    /** Deletes every resource this spec's apply made (found by name prefix, tags and IAM path). */
    public Plan destroy(SubscriptionSpec spec) {
        Work work = build(spec, true);
        List<Change> done = new ArrayList<>();
        run(work.steps, done);
        return new Plan(done, 0, work.ctx.notes);
    }

    /** @param queueSteps the worker queue's own steps, also the head of {@code steps} */
    private record Work(Context ctx, List<Step> queueSteps, List<Step> steps) {
        Plan plan() {
            return new Plan(steps.stream().map(Step::change).toList(), ctx.unchanged, ctx.notes);
        }
    }

    private static void run(List<Step> steps, List<Change> done) {
        for (Step s : steps) {
            LOG.info("{}", s.change());
            s.action().run();
            done.add(s.change());
        }
    }

    private Work build(SubscriptionSpec spec, boolean destroy) {
        Context ctx = new Context(spec, clients, options);
        QueueReconciler.resolve(ctx);
        List<Step> queueSteps = new ArrayList<>();
        if (!destroy) {
            // when the queue is still to be made, the rest is planned against its future name
            QueueReconciler.planWorkerQueue(ctx, queueSteps);
        } else if (ctx.queueUrl == null) {
            return new Work(ctx, List.of(), List.of());
        }
        List<Step> steps = new ArrayList<>(queueSteps);
        ctx.sourceArns = destroy ? Map.of() : resolveSources(ctx);
        List<Step> dlqCreates = new ArrayList<>(), dlqDeletes = new ArrayList<>();
        List<Step> roleCreates = new ArrayList<>(), roleDeletes = new ArrayList<>();
        List<Step> pipeCreates = new ArrayList<>(), pipeDeletes = new ArrayList<>();
        List<Step> policy = new ArrayList<>();
        List<Step> ruleCreates = new ArrayList<>(), ruleDeletes = new ArrayList<>();
        List<Step> topicCreates = new ArrayList<>(), topicDeletes = new ArrayList<>();
        QueueReconciler.planDeadLetterQueues(ctx, destroy, dlqCreates, dlqDeletes);
        RoleReconciler.plan(ctx, destroy, roleCreates, roleDeletes);
        PipeReconciler.plan(ctx, destroy, pipeCreates, pipeDeletes);
        TopicReconciler.plan(ctx, destroy, topicCreates, topicDeletes);
        RuleReconciler.plan(ctx, destroy, ruleCreates, ruleDeletes);
        QueuePolicyReconciler.plan(ctx, destroy, policy);

        // creates: what a resource needs exists before it (DLQ and role before pipe; queue policy before
        // the rules and topics that deliver through it). Deletes: the reverse.
        steps.addAll(dlqCreates);
        steps.addAll(roleCreates);
        steps.addAll(pipeCreates);
        steps.addAll(topicDeletes);
        steps.addAll(ruleDeletes);
        steps.addAll(policy);
        steps.addAll(ruleCreates);
        steps.addAll(topicCreates);
        steps.addAll(pipeDeletes);
        steps.addAll(roleDeletes);
        steps.addAll(dlqDeletes);
        if (destroy) {
            QueueReconciler.planWorkerQueueDeletion(ctx, steps);
        }
        return new Work(ctx, queueSteps, steps);
    }

    /** Source ARNs, looked up through Kinesis, DynamoDB or SQS when the spec names them. */
    private static Map<String, String> resolveSources(Context ctx) {
        Map<String, String> out = new LinkedHashMap<>();
        for (PipeSubscription p : ctx.spec.pipes()) {
            SourceRef s = p.source();
            String arn = s.arn();
            if (arn == null && s.name() == null) {
                throw new IllegalStateException("subscription '" + p.name() + "': " + s.cfnImport()
                        + " is a CloudFormation export, usable only by render; give the " + p.type().key() + " source by name or ARN to apply");
            }
            if (arn == null) {
                Object lookup = switch (p.type()) {
                    case KINESIS -> ctx.clients.kinesis();
                    case DYNAMODB -> ctx.clients.dynamodb();
                    case SQS -> ctx.clients.sqs();
                };
                if (lookup == null) {
                    throw new IllegalStateException("subscription '" + p.name() + "': no " + p.type().key()
                            + " client to look up '" + s.name() + "'; give the source by ARN or configure the client");
                }
                arn = switch (p.type()) {
                    case KINESIS -> ctx.clients.kinesis().describeStreamSummary(b -> b.streamName(s.name()))
                            .streamDescriptionSummary().streamARN();
                    case DYNAMODB -> {
                        String stream = ctx.clients.dynamodb().describeTable(b -> b.tableName(s.name())).table().latestStreamArn();
                        if (stream == null) {
                            throw new IllegalStateException("table '" + s.name() + "' has no stream; enable StreamSpecification"
                                    + " (NEW_AND_OLD_IMAGES) before subscribing '" + p.name() + "'");
                        }
                        yield stream;
                    }
                    case SQS -> {
                        String url = ctx.clients.sqs().getQueueUrl(b -> b.queueName(s.name())).queueUrl();
                        yield QueueReconciler.attributes(ctx.clients.sqs(), url).get(QueueAttributeName.QUEUE_ARN.toString());
                    }
                };
            }
            out.put(p.name(), arn);
        }
        return out;
    }
}
