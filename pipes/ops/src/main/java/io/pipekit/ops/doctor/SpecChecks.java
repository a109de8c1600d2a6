package io.pipekit.ops.doctor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pipekit.pipes.model.Deployment;
import io.pipekit.pipes.model.Pipe;
import io.pipekit.pipes.model.Rule;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.eventbridge.model.Target;
import software.amazon.awssdk.services.pipes.model.Filter;
import software.amazon.awssdk.services.pipes.model.PipeSourceParameters;
import software.amazon.awssdk.services.pipes.model.PipeTargetParameters;

/**
 * What is deployed against what the spec says should be: the desired-resource model
 * ({@link Deployment}, the one derivation provisioning and rendering read) compared field by field
 * with what DescribePipe, DescribeRule, ListTargetsByRule and GetQueueAttributes return. Only the
 * fields pipekit sets are compared (AWS fills in defaults for the rest).
 */
final class SpecChecks {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** ARNs are not compared here (the checks above follow them); the model needs something to put in. */
    private static final java.util.function.Function<io.pipekit.pipes.model.Ref, String> ANY_ARN = ref -> "arn:aws:sqs:*:*:*";

    private SpecChecks() {}

    static void run(Deployment model, QueueFacts queue, List<PipeChecks.DeployedPipe> pipes, List<RuleChecks.DeployedRule> rules, Findings out) {
        String apply = "run `pipekit apply " + model.spec().source() + "` (or redeploy the rendered stack)";
        String prefix = model.spec().resourcePrefix();
        if (model.queue().create()) {
            Map<String, String> want = model.workerQueueAttributes(ANY_ARN);
            List<String> diffs = new ArrayList<>();
            compare(diffs, "VisibilityTimeout", want.get("VisibilityTimeout"), queue.attributes().get("VisibilityTimeout"));
            compare(diffs, "maxReceiveCount", model.queue().deadLetterTries() == 0 ? null : String.valueOf(model.queue().deadLetterTries()),
                    queue.redrive() == null ? null : String.valueOf(queue.maxReceiveCount()));
            compare(diffs, "KMS encryption", String.valueOf(want.containsKey("KmsMasterKeyId")), String.valueOf(queue.kmsKey() != null));
            drift(out, queue.url(), diffs, apply);
        }
        for (Pipe pipe : model.pipes()) {
            pipes.stream().filter(p -> p.name().equals(prefix + pipe.name())).findFirst().ifPresent(deployed -> {
                List<String> diffs = new ArrayList<>();
                PipeSourceParameters want = pipe.sourceParameters(ANY_ARN);
                PipeSourceParameters have = deployed.describe().sourceParameters();
                compareFilters(diffs, want, have);
                if (want.kinesisStreamParameters() != null) {
                    var w = want.kinesisStreamParameters();
                    var h = have == null ? null : have.kinesisStreamParameters();
                    compare(diffs, "BatchSize", w.batchSize(), h == null ? null : h.batchSize());
                    compare(diffs, "MaximumRetryAttempts", w.maximumRetryAttempts(), h == null ? null : h.maximumRetryAttempts());
                    compare(diffs, "MaximumRecordAgeInSeconds", w.maximumRecordAgeInSeconds(), h == null ? null : h.maximumRecordAgeInSeconds());
                    compare(diffs, "DeadLetterConfig", w.deadLetterConfig() != null, h != null && h.deadLetterConfig() != null);
                } else if (want.dynamoDBStreamParameters() != null) {
                    var w = want.dynamoDBStreamParameters();
                    var h = have == null ? null : have.dynamoDBStreamParameters();
                    compare(diffs, "BatchSize", w.batchSize(), h == null ? null : h.batchSize());
                    compare(diffs, "MaximumRetryAttempts", w.maximumRetryAttempts(), h == null ? null : h.maximumRetryAttempts());
                    compare(diffs, "MaximumRecordAgeInSeconds", w.maximumRecordAgeInSeconds(), h == null ? null : h.maximumRecordAgeInSeconds());
                    compare(diffs, "DeadLetterConfig", w.deadLetterConfig() != null, h != null && h.deadLetterConfig() != null);
                } else if (want.sqsQueueParameters() != null) {
                    compare(diffs, "BatchSize", want.sqsQueueParameters().batchSize(),
                            have == null || have.sqsQueueParameters() == null ? null : have.sqsQueueParameters().batchSize());
                }
                PipeTargetParameters wt = pipe.targetParameters();
                PipeTargetParameters ht = deployed.describe().targetParameters();
                compare(diffs, "InputTemplate", wt.inputTemplate(), ht == null ? null : ht.inputTemplate());
                compare(diffs, "MessageGroupId", wt.sqsQueueParameters() == null ? null : wt.sqsQueueParameters().messageGroupId(),
                        ht == null || ht.sqsQueueParameters() == null ? null : ht.sqsQueueParameters().messageGroupId());
                drift(out, deployed.arn(), diffs, apply);
            });
        }
        for (Rule rule : model.rules()) {
            rules.stream().filter(r -> r.name().equals(prefix + rule.name()) && r.bus().equals(rule.subscription().bus())).findFirst().ifPresent(deployed -> {
                List<String> diffs = new ArrayList<>();
                if (!Objects.equals(tree(rule.subscription().pattern()), tree(deployed.describe().eventPattern()))) {
                    diffs.add("EventPattern " + deployed.describe().eventPattern() + " (spec: " + rule.subscription().pattern() + ")");
                }
                Target want = rule.target(ANY_ARN);
                Target have = deployed.target();
                compare(diffs, "InputPath", want.inputPath(), have.inputPath());
                compare(diffs, "InputTransformer.InputTemplate", want.inputTransformer() == null ? null : want.inputTransformer().inputTemplate(),
                        have.inputTransformer() == null ? null : have.inputTransformer().inputTemplate());
                compare(diffs, "DeadLetterConfig", want.deadLetterConfig() != null, have.deadLetterConfig() != null);
                compare(diffs, "SqsParameters.MessageGroupId", want.sqsParameters() == null ? null : want.sqsParameters().messageGroupId(),
                        have.sqsParameters() == null ? null : have.sqsParameters().messageGroupId());
                drift(out, deployed.arn(), diffs, apply);
            });
        }
    }

    private static void compareFilters(List<String> diffs, PipeSourceParameters want, PipeSourceParameters have) {
        List<JsonNode> w = want.filterCriteria() == null ? List.of() : want.filterCriteria().filters().stream().map(Filter::pattern).map(SpecChecks::tree).toList();
        List<JsonNode> h = have == null || have.filterCriteria() == null ? List.of() : have.filterCriteria().filters().stream().map(Filter::pattern).map(SpecChecks::tree).toList();
        if (!w.equals(h)) {
            diffs.add("FilterCriteria " + h + " (spec: " + w + ")");
        }
    }

    private static void compare(List<String> diffs, String field, Object want, Object have) {
        if (!Objects.equals(want, have)) {
            diffs.add(field + " " + have + " (spec: " + want + ")");
        }
    }

    private static void drift(Findings out, String resource, List<String> diffs, String fix) {
        if (!diffs.isEmpty()) {
            out.add(Finding.warning("spec-drift", resource, "deployed differs from the spec: " + String.join("; ", diffs), fix));
        }
    }

    private static JsonNode tree(String json) {
        try {
            return json == null ? null : JSON.readTree(json);
        } catch (java.io.IOException e) {
            return null;
        }
    }
}
