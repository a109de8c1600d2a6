package io.pipekit.pipes.provision;


import io.pipekit.pipes.spec.PipeSubscription;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.pipes.PipesClient;
import software.amazon.awssdk.services.pipes.model.DescribePipeResponse;
import software.amazon.awssdk.services.pipes.model.Filter;
import software.amazon.awssdk.services.pipes.model.FilterCriteria;
import software.amazon.awssdk.services.pipes.model.NotFoundException;
import software.amazon.awssdk.services.pipes.model.Pipe;
import software.amazon.awssdk.services.pipes.model.PipeSourceParameters;
import software.amazon.awssdk.services.pipes.model.PipeTargetParameters;
import software.amazon.awssdk.services.pipes.model.RequestedPipeState;
import software.amazon.awssdk.services.pipes.model.UpdatePipeSourceDynamoDBStreamParameters;
import software.amazon.awssdk.services.pipes.model.UpdatePipeSourceKinesisStreamParameters;
import software.amazon.awssdk.services.pipes.model.UpdatePipeSourceParameters;
import software.amazon.awssdk.services.pipes.model.UpdatePipeSourceSqsQueueParameters;
import software.amazon.awssdk.services.pipes.model.ValidationException;

/** Pipes: create, update in place, replace when an immutable field changes, delete; and wait for each state. */
final class PipeReconciler {

    private static final Logger LOG = LoggerFactory.getLogger(PipeReconciler.class);

    private PipeReconciler() {}

    static void plan(Context ctx, boolean destroy, List<Step> creates, List<Step> deletes) {
        PipesClient pipes = ctx.clients.pipes();
        Set<String> wanted = new HashSet<>();
        if (!destroy) {
            for (PipeSubscription p : ctx.spec.pipes()) {
                String name = ctx.resourceName(p.name());
                wanted.add(name);
                Desired want = desired(ctx, p);
                DescribePipeResponse have;
                try {
                    have = pipes.describePipe(b -> b.name(name));
                } catch (NotFoundException absent) {
                    creates.add(new Step(new Change(Change.Action.CREATE, "pipe", name,
                            List.of(p.type().key() + " " + want.source + " -> " + ctx.spec.queue().name())), () -> create(ctx, name, p, want)));
                    continue;
                }
                if (!ctx.owned(have.tags())) {
                    throw new IllegalStateException("pipe '" + name + "' exists but is not tagged " + Context.TAG_SPEC + "=" + ctx.spec.name()
                            + "; pipekit will not manage it");
                }
                List<String> immutable = immutableDiffs(want, have);
                if (have.currentStateAsString() != null && have.currentStateAsString().endsWith("_FAILED")) {
                    immutable.add("current state " + have.currentStateAsString() + ": " + have.stateReason());
                }
                if (!immutable.isEmpty()) {
                    creates.add(new Step(new Change(Change.Action.REPLACE, "pipe", name, immutable), () -> {
                        delete(ctx, name);
                        create(ctx, name, p, want);
                    }));
                    continue;
                }
                List<String> diffs = mutableDiffs(want, have);
                if (diffs.isEmpty()) {
                    ctx.unchanged++;
                } else {
                    creates.add(new Step(new Change(Change.Action.UPDATE, "pipe", name, diffs), () -> update(ctx, name, p, want)));
                }
            }
        }
        for (Pipe summary : pipes.listPipesPaginator(b -> b.namePrefix(ctx.prefix())).pipes()) {
            String name = summary.name();
            if (wanted.contains(name)) {
                continue;
            }
            DescribePipeResponse have = pipes.describePipe(b -> b.name(name));
            if (ctx.owned(have.tags())) {
                deletes.add(new Step(new Change(Change.Action.DELETE, "pipe", name, List.of()), () -> delete(ctx, name)));
            }
        }
    }

    /** What CreatePipe would carry; update and comparison derive from it. */
    record Desired(String source, String target, String roleArn, PipeSourceParameters sourceParameters,
            PipeTargetParameters targetParameters, List<String> filters, String inputTemplate) {}

    static Desired desired(Context ctx, PipeSubscription p) {
        io.pipekit.pipes.model.Pipe pipe = new io.pipekit.pipes.model.Pipe(p);
        return new Desired(ctx.arn(pipe.source()), ctx.queueArn, ctx.roleArn(p.name()), pipe.sourceParameters(ctx::arn),
                pipe.targetParameters(), p.filters(), p.inputTemplate());
    }

    /** docs/aws-behaviour.md §1.10: Source and StartingPosition cannot be changed by UpdatePipe. */
    private static List<String> immutableDiffs(Desired want, DescribePipeResponse have) {
        List<String> out = new ArrayList<>();
        if (!Objects.equals(want.source, have.source())) {
            out.add("source: " + have.source() + " -> " + want.source);
        }
        PipeSourceParameters w = want.sourceParameters;
        PipeSourceParameters h = have.sourceParameters();
        if (w.kinesisStreamParameters() != null) {
            var hk = h == null ? null : h.kinesisStreamParameters();
            if (hk == null || !Objects.equals(w.kinesisStreamParameters().startingPositionAsString(), hk.startingPositionAsString())
                    || w.kinesisStreamParameters().startingPositionTimestamp() != null
                    && !Objects.equals(w.kinesisStreamParameters().startingPositionTimestamp(), hk.startingPositionTimestamp())) {
                out.add("starting position");
            }
        }
        if (w.dynamoDBStreamParameters() != null) {
            var hd = h == null ? null : h.dynamoDBStreamParameters();
            if (hd == null || !Objects.equals(w.dynamoDBStreamParameters().startingPositionAsString(), hd.startingPositionAsString())) {
                out.add("starting position");
            }
        }
        return out;
    }

    private static List<String> mutableDiffs(Desired want, DescribePipeResponse have) {
        List<String> out = new ArrayList<>();
        if (!Objects.equals(want.target, have.target())) {
            out.add("target: " + have.target() + " -> " + want.target);
        }
        if (!Objects.equals(want.roleArn, have.roleArn())) {
            out.add("roleArn: " + have.roleArn() + " -> " + want.roleArn);
        }
        if (!"RUNNING".equals(have.desiredStateAsString())) {
            out.add("desiredState: " + have.desiredStateAsString() + " -> RUNNING");
        }
        PipeSourceParameters h = have.sourceParameters() == null ? PipeSourceParameters.builder().build() : have.sourceParameters();
        SdkDiff.diff("SourceParameters.KinesisStreamParameters", want.sourceParameters.kinesisStreamParameters(), h.kinesisStreamParameters(), out);
        SdkDiff.diff("SourceParameters.DynamoDBStreamParameters", want.sourceParameters.dynamoDBStreamParameters(), h.dynamoDBStreamParameters(), out);
        SdkDiff.diff("SourceParameters.SqsQueueParameters", want.sourceParameters.sqsQueueParameters(), h.sqsQueueParameters(), out);
        List<String> haveFilters = h.filterCriteria() == null ? List.of()
                : h.filterCriteria().filters().stream().map(Filter::pattern).toList();
        if (haveFilters.size() != want.filters.size()
                || !java.util.stream.IntStream.range(0, haveFilters.size()).allMatch(i -> SdkDiff.sameValue(want.filters.get(i), haveFilters.get(i)))) {
            out.add("filters: " + haveFilters.size() + " -> " + want.filters.size() + " pattern(s)");
        }
        PipeTargetParameters ht = have.targetParameters() == null ? PipeTargetParameters.builder().build() : have.targetParameters();
        if (!Objects.equals(blankToNull(want.inputTemplate), blankToNull(ht.inputTemplate()))) {
            out.add("inputTemplate");
        }
        SdkDiff.diff("TargetParameters.SqsQueueParameters", want.targetParameters.sqsQueueParameters(), ht.sqsQueueParameters(), out);
        return out;
    }

    private static String blankToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    private static void create(Context ctx, String name, PipeSubscription p, Desired want) {
        Instant deadline = Instant.now().plus(ctx.options.stateTimeout());
        Duration wait = ctx.options.pollInterval();
        while (true) {
            try {
                ctx.clients.pipes().createPipe(b -> b.name(name).description("pipekit " + ctx.spec.name() + "/" + p.name())
                        .desiredState(RequestedPipeState.RUNNING).source(want.source).sourceParameters(want.sourceParameters)
                        .target(want.target).targetParameters(want.targetParameters).roleArn(want.roleArn).tags(ctx.tags(p.name())));
                break;
            } catch (ValidationException e) {
                // a role made seconds ago may not be assumable yet (IAM is eventually consistent)
                boolean roleNotReady = ctx.clients.iam() != null && String.valueOf(e.getMessage()).toLowerCase().contains("role");
                if (!roleNotReady || Instant.now().isAfter(deadline)) {
                    throw e;
                }
                LOG.info("pipe {}: role not assumable yet, retrying in {}", name, wait);
                sleep(wait);
                wait = next(wait);
            }
        }
        awaitState(ctx, name, "RUNNING");
    }

    private static void update(Context ctx, String name, PipeSubscription p, Desired want) {
        PipeSourceParameters s = want.sourceParameters;
        UpdatePipeSourceParameters.Builder sp = UpdatePipeSourceParameters.builder()
                // an absent FilterCriteria keeps the old filters; an empty list removes them
                .filterCriteria(FilterCriteria.builder().filters(s.filterCriteria() == null ? List.of() : s.filterCriteria().filters()).build());
        if (s.kinesisStreamParameters() != null) {
            var k = s.kinesisStreamParameters();
            sp.kinesisStreamParameters(UpdatePipeSourceKinesisStreamParameters.builder().batchSize(k.batchSize())
                    .maximumBatchingWindowInSeconds(k.maximumBatchingWindowInSeconds()).parallelizationFactor(k.parallelizationFactor())
                    .maximumRetryAttempts(k.maximumRetryAttempts()).maximumRecordAgeInSeconds(k.maximumRecordAgeInSeconds())
                    .onPartialBatchItemFailure(k.onPartialBatchItemFailureAsString()).deadLetterConfig(k.deadLetterConfig()).build());
        }
        if (s.dynamoDBStreamParameters() != null) {
            var d = s.dynamoDBStreamParameters();
            sp.dynamoDBStreamParameters(UpdatePipeSourceDynamoDBStreamParameters.builder().batchSize(d.batchSize())
                    .maximumBatchingWindowInSeconds(d.maximumBatchingWindowInSeconds()).parallelizationFactor(d.parallelizationFactor())
                    .maximumRetryAttempts(d.maximumRetryAttempts()).maximumRecordAgeInSeconds(d.maximumRecordAgeInSeconds())
                    .onPartialBatchItemFailure(d.onPartialBatchItemFailureAsString()).deadLetterConfig(d.deadLetterConfig()).build());
        }
        if (s.sqsQueueParameters() != null) {
            sp.sqsQueueParameters(UpdatePipeSourceSqsQueueParameters.builder().batchSize(s.sqsQueueParameters().batchSize())
                    .maximumBatchingWindowInSeconds(s.sqsQueueParameters().maximumBatchingWindowInSeconds()).build());
        }
        // docs/aws-behaviour.md §1.6: an empty InputTemplate removes a template
        PipeTargetParameters tp = want.targetParameters.toBuilder()
                .inputTemplate(want.inputTemplate == null ? "" : want.inputTemplate).build();
        ctx.clients.pipes().updatePipe(b -> b.name(name).desiredState(RequestedPipeState.RUNNING).roleArn(want.roleArn)
                .target(want.target).sourceParameters(sp.build()).targetParameters(tp));
        awaitState(ctx, name, "RUNNING");
    }

    private static void delete(Context ctx, String name) {
        ctx.clients.pipes().deletePipe(b -> b.name(name));
        Instant deadline = Instant.now().plus(ctx.options.stateTimeout());
        Duration wait = ctx.options.pollInterval();
        while (true) {
            try {
                DescribePipeResponse d = ctx.clients.pipes().describePipe(b -> b.name(name));
                if ("DELETE_FAILED".equals(d.currentStateAsString())) {
                    throw new IllegalStateException("pipe " + name + " DELETE_FAILED: " + d.stateReason());
                }
            } catch (NotFoundException gone) {
                return;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("pipe " + name + " still exists after " + ctx.options.stateTimeout());
            }
            sleep(wait);
            wait = next(wait);
        }
    }

    /** docs/aws-behaviour.md §1.10: Create/Update are asynchronous; wait for the state, fail fast on *_FAILED. */
    static void awaitState(Context ctx, String name, String state) {
        Instant deadline = Instant.now().plus(ctx.options.stateTimeout());
        Duration wait = ctx.options.pollInterval();
        while (true) {
            DescribePipeResponse d = ctx.clients.pipes().describePipe(b -> b.name(name));
            String current = d.currentStateAsString();
            if (state.equals(current)) {
                return;
            }
            if (current != null && current.endsWith("_FAILED")) {
                throw new IllegalStateException("pipe " + name + " is " + current + ": " + d.stateReason());
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("pipe " + name + " is still " + current + " after " + ctx.options.stateTimeout());
            }
            sleep(wait);
            wait = next(wait);
        }
    }

    private static Duration next(Duration wait) {
        Duration doubled = wait.multipliedBy(2);
        return doubled.compareTo(Duration.ofSeconds(5)) > 0 ? Duration.ofSeconds(5) : doubled;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a pipe", e);
        }
    }
}
