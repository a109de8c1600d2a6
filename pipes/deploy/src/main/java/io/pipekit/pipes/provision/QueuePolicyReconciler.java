package io.pipekit.pipes.provision;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pipekit.pipes.model.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * pipekit's statements in the worker queue's one policy document: one per rule and per topic, each
 * pinned to its source ARN (docs/aws-behaviour.md §2.4, §3). Statements of others are kept: the policy is
 * re-read right before each write and only Sids starting {@code Pipekit<Spec>} are replaced.
 */
final class QueuePolicyReconciler {

    private static final ObjectMapper JSON = new ObjectMapper();

    private QueuePolicyReconciler() {}

    /** Statements pipekit owns in the worker queue's single policy: one per rule and per topic. */
    static void plan(Context ctx, boolean destroy, List<Step> out) {
        List<ObjectNode> want = new ArrayList<>();
        if (!destroy) {
            ctx.model.queuePolicy().forEach(st -> want.add(st.toJson(ctx::json)));
            if (!ctx.model.keyPolicy().isEmpty() && ctx.queueKmsKey != null && !ctx.copilotQueue) {
                ctx.notes.add("the worker queue is encrypted with KMS key " + ctx.queueKmsKey + ": its key policy must allow "
                        + ctx.model.keyPolicy().stream().map(k -> ((Statement.Principal.Service) k.principal()).name()).toList()
                        + " kms:GenerateDataKey and kms:Decrypt, or deliveries fail silently (docs/aws-behaviour.md §2.4, §6.3);"
                        + " pipekit does not edit key policies");
            }
        }
        if (ctx.copilotQueue) {
            planCopilotOwned(ctx, want);
            return;
        }
        SqsClient sqs = ctx.clients.sqs();
        boolean keepsPolicies = ctx.queueUrl == null || !QueueReconciler.unsupported(sqs, ctx.queueUrl).contains("Policy");
        String digest = want.isEmpty() ? null : digest(want);
        if (!keepsPolicies) {
            // this endpoint drops queue policies (ElasticMQ): compare against the digest recorded at the last write
            String recorded = sqs.listQueueTags(b -> b.queueUrl(ctx.queueUrl)).tags().get(policyTag(ctx));
            if (Objects.equals(recorded, digest)) {
                if (digest != null) {
                    ctx.unchanged++;
                    ctx.notes.add("the SQS endpoint does not keep queue policies; pipekit's statements are tracked by digest only"
                            + " (fine locally: the local runtime does not enforce them)");
                }
                return;
            }
        }
        ObjectNode current = ctx.queueUrl == null ? null : currentPolicy(ctx);
        List<JsonNode> ours = new ArrayList<>();
        List<JsonNode> others = new ArrayList<>();
        if (current != null && current.get("Statement") instanceof ArrayNode st) {
            for (JsonNode s : st) {
                (s.path("Sid").asText().startsWith(ctx.sidPrefix()) ? ours : others).add(s);
            }
        }
        if (Objects.equals(new ArrayList<JsonNode>(want), ours)) {
            if (!want.isEmpty()) {
                ctx.unchanged++;
            }
            return;
        }
        List<String> details = new ArrayList<>();
        want.stream().map(s -> s.get("Sid").asText()).filter(sid -> ours.stream().noneMatch(o -> o.path("Sid").asText().equals(sid)))
                .forEach(sid -> details.add("add " + sid));
        ours.stream().map(s -> s.path("Sid").asText()).filter(sid -> want.stream().noneMatch(w -> w.get("Sid").asText().equals(sid)))
                .forEach(sid -> details.add("remove " + sid));
        if (details.isEmpty()) {
            details.add("statements changed");
        }
        Change.Action action = want.isEmpty() ? Change.Action.DELETE
                : ours.isEmpty() && current == null ? Change.Action.CREATE : Change.Action.UPDATE;
        out.add(new Step(new Change(action, "queue-policy", ctx.spec.queue().name(), details), () -> {
            // re-read right before writing: the queue has exactly one policy document and others may share it
            ObjectNode doc = currentPolicy(ctx);
            if (doc == null) {
                doc = policyDocument();
            }
            ArrayNode merged = JSON.createArrayNode();
            for (JsonNode s : doc.withArray("Statement")) {
                if (!s.path("Sid").asText().startsWith(ctx.sidPrefix())) {
                    merged.add(s);
                }
            }
            want.forEach(merged::add);
            doc.set("Statement", merged);
            String policy = merged.isEmpty() ? "" : doc.toString();
            QueueReconciler.writeAttributes(sqs, ctx.queueUrl, Map.of("Policy", policy));
            if (QueueReconciler.unsupported(sqs, ctx.queueUrl).contains("Policy")) {
                if (digest == null) {
                    sqs.untagQueue(b -> b.queueUrl(ctx.queueUrl).tagKeys(policyTag(ctx)));
                } else {
                    sqs.tagQueue(b -> b.queueUrl(ctx.queueUrl).tags(Map.of(policyTag(ctx), digest)));
                }
            }
        }));
    }

    /** Topic ARNs that pipekit statements in the current policy admit (to find subscriptions to remove). */
    static Map<String, String> topicsInPolicy(Context ctx) {
        Map<String, String> out = new LinkedHashMap<>(); // sid -> topic arn
        ObjectNode current = ctx.queueUrl == null ? null : currentPolicy(ctx);
        if (current != null && current.get("Statement") instanceof ArrayNode st) {
            for (JsonNode s : st) {
                String sid = s.path("Sid").asText();
                if (sid.startsWith(ctx.sidPrefix() + "Topic")) {
                    out.put(sid, s.path("Condition").path("ArnEquals").path("aws:SourceArn").asText());
                }
            }
        }
        return out;
    }


    private static String policyTag(Context ctx) {
        return "pipekit:policy:" + ctx.spec.name();
    }

    private static String digest(List<ObjectNode> statements) {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(statements.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(d, 0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Copilot's queue policy and key policy are resources of Copilot's stack: every {@code copilot svc deploy}
     * writes them whole again, so a statement pipekit put there would vanish. They come from
     * {@code overrides/cfn.patches.yml} instead; the plan only says whether they are in place.
     */
    private static void planCopilotOwned(Context ctx, List<ObjectNode> want) {
        if (want.isEmpty()) {
            return;
        }
        ObjectNode current = currentPolicy(ctx);
        List<String> missing = new ArrayList<>();
        for (ObjectNode w : want) {
            String sid = w.get("Sid").asText();
            boolean present = current != null && current.get("Statement") instanceof ArrayNode st
                    && java.util.stream.StreamSupport.stream(st.spliterator(), false).anyMatch(x -> sid.equals(x.path("Sid").asText()));
            if (!present) {
                missing.add(sid);
            }
        }
        ctx.notes.add("the worker queue is Copilot's: its QueuePolicy and EventsKMSKey policy are owned by Copilot's stack and rewritten by"
                + " every `copilot svc deploy`, so pipekit writes neither. The " + want.size() + " statement(s) rules and topics need come from"
                + " overrides/cfn.patches.yml (`pipekit render`, then `copilot svc deploy`)"
                + (missing.isEmpty() ? "; all are in place." : "; missing now: " + missing));
    }

    static ObjectNode policyDocument() {
        ObjectNode doc = JSON.createObjectNode().put("Version", "2012-10-17");
        doc.putArray("Statement");
        return doc;
    }

    private static ObjectNode currentPolicy(Context ctx) {
        String policy = QueueReconciler.attributes(ctx.clients.sqs(), ctx.queueUrl).get("Policy");
        if (policy == null || policy.isBlank()) {
            return null;
        }
        return SdkDiff.tree(policy) instanceof ObjectNode o ? o : null;
    }

}
