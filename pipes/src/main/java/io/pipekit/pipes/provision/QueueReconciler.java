package io.pipekit.pipes.provision;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pipekit.pipes.spec.PipeSubscription;
import io.pipekit.pipes.spec.RuleSubscription;
import io.pipekit.pipes.spec.TopicSubscription;
import io.pipekit.pipes.spec.WorkerQueue;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/** The worker queue (when the spec creates it), dead-letter queues, and the worker queue's policy statements. */
final class QueueReconciler {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final String DLQ_RETENTION = "1209600"; // 14 days, the SQS maximum

    private QueueReconciler() {}

    /** Looks the worker queue up; leaves {@code ctx.queueUrl} null if it does not exist yet. */
    static void resolve(Context ctx) {
        SqsClient sqs = ctx.clients.sqs();
        WorkerQueue q = ctx.spec.queue();
        try {
            ctx.queueUrl = sqs.getQueueUrl(b -> b.queueName(q.name())).queueUrl();
        } catch (QueueDoesNotExistException e) {
            if (!q.create()) {
                throw new IllegalStateException("worker queue '" + q.name() + "' does not exist; deploy it first "
                        + "(Copilot creates it) or set queue.create: true in " + ctx.spec.source());
            }
            ctx.queueUrl = null;
            ctx.region = sqs.serviceClientConfiguration().region().id();
            ctx.account = "000000000000"; // placeholder until the queue exists and its ARN tells
            ctx.queueArn = ctx.queueArnOf(q.name());
            return;
        }
        Map<String, String> attrs = attributes(sqs, ctx.queueUrl);
        ctx.queueArn = attrs.get(QueueAttributeName.QUEUE_ARN.toString());
        ctx.adoptArn(ctx.queueArn);
        String kms = attrs.get(QueueAttributeName.KMS_MASTER_KEY_ID.toString());
        ctx.queueKmsKey = kms == null || kms.isBlank() || kms.equals("alias/aws/sqs") ? null : kms;
    }

    /** Tag listing attributes an SQS endpoint silently dropped (ElasticMQ 1.7 keeps no Policy or MessageRetentionPeriod). */
    static final String UNSUPPORTED_TAG = "pipekit:unsupported-attributes";

    /**
     * Writes queue attributes and reads them back. Attributes the endpoint did not keep are recorded in
     * a tag, so later plans do not report them as drift forever. On AWS every attribute sticks and the
     * tag never appears.
     */
    static void writeAttributes(SqsClient sqs, String url, Map<String, String> attrs) {
        if (!attrs.isEmpty()) {
            sqs.setQueueAttributes(b -> b.queueUrl(url).attributesWithStrings(attrs));
        }
        recordDropped(sqs, url, attrs);
    }

    static void recordDropped(SqsClient sqs, String url, Map<String, String> written) {
        Map<String, String> have = attributes(sqs, url);
        List<String> dropped = written.entrySet().stream().filter(e -> !e.getValue().isEmpty() && !have.containsKey(e.getKey()))
                .map(Map.Entry::getKey).sorted().toList();
        if (!dropped.isEmpty()) {
            java.util.TreeSet<String> all = new java.util.TreeSet<>(unsupported(sqs, url));
            all.addAll(dropped);
            sqs.tagQueue(b -> b.queueUrl(url).tags(Map.of(UNSUPPORTED_TAG, String.join(" ", all))));
        }
    }

    static java.util.Set<String> unsupported(SqsClient sqs, String url) {
        String v = sqs.listQueueTags(b -> b.queueUrl(url)).tags().get(UNSUPPORTED_TAG);
        return v == null || v.isBlank() ? java.util.Set.of() : java.util.Set.of(v.split(" "));
    }

    static Map<String, String> attributes(SqsClient sqs, String url) {
        return sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.ALL)).attributesAsStrings();
    }

    /** Worker queue and its DLQ, when {@code queue.create} is set: always first, everything targets it. */
    static void planWorkerQueue(Context ctx, List<Step> out) {
        WorkerQueue q = ctx.spec.queue();
        if (!q.create()) {
            return;
        }
        String dlqName = workerDlqName(q);
        if (ctx.queueUrl != null) {
            if (ctx.owned(ctx.clients.sqs().listQueueTags(b -> b.queueUrl(ctx.queueUrl)).tags())) {
                ctx.unchanged++;
            } else {
                ctx.notes.add("worker queue " + q.name() + " already exists and was not created by pipekit: used as is, never deleted");
            }
            return;
        }
        SqsClient sqs = ctx.clients.sqs();
        out.add(new Step(new Change(Change.Action.CREATE, "queue", q.name(),
                List.of("visibility " + q.visibilityTimeout().toSeconds() + "s", q.deadLetterTries() > 0
                        ? "DLQ " + dlqName + " after " + q.deadLetterTries() + " receives" : "no DLQ")), () -> {
            Map<String, String> attrs = new LinkedHashMap<>();
            attrs.put("VisibilityTimeout", Long.toString(q.visibilityTimeout().toSeconds()));
            if (q.fifo()) {
                attrs.put("FifoQueue", "true");
                attrs.put("ContentBasedDeduplication", Boolean.toString(q.contentBasedDeduplication()));
            }
            if (q.deadLetterTries() > 0) {
                Map<String, String> dlqAttrs = new HashMap<>(Map.of("MessageRetentionPeriod", DLQ_RETENTION));
                if (q.fifo()) {
                    dlqAttrs.put("FifoQueue", "true");
                }
                String dlqUrl = sqs.createQueue(b -> b.queueName(dlqName).attributesWithStrings(dlqAttrs).tags(ctx.tags(null))).queueUrl();
                recordDropped(sqs, dlqUrl, dlqAttrs);
                String dlqArn = attributes(sqs, dlqUrl).get(QueueAttributeName.QUEUE_ARN.toString());
                attrs.put("RedrivePolicy", "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":" + q.deadLetterTries() + "}");
            }
            ctx.queueUrl = sqs.createQueue(b -> b.queueName(q.name()).attributesWithStrings(attrs).tags(ctx.tags(null))).queueUrl();
            recordDropped(sqs, ctx.queueUrl, attrs);
            ctx.queueArn = attributes(sqs, ctx.queueUrl).get(QueueAttributeName.QUEUE_ARN.toString());
            ctx.adoptArn(ctx.queueArn);
        }));
    }

    static String workerDlqName(WorkerQueue q) {
        return q.fifo() ? q.name().replace(".fifo", "-dlq.fifo") : q.name() + "-dlq";
    }

    /** Dead-letter queues of pipes and rules: creates/updates desired ones, deletes owned leftovers. */
    static void planDeadLetterQueues(Context ctx, boolean destroy, List<Step> creates, List<Step> deletes) {
        SqsClient sqs = ctx.clients.sqs();
        Map<String, Map<String, String>> desired = new LinkedHashMap<>();
        if (!destroy) {
            for (PipeSubscription p : ctx.spec.pipes()) {
                if (p.deadLetterQueue()) {
                    desired.put(ctx.dlqName(p.name()), Map.of("MessageRetentionPeriod", DLQ_RETENTION));
                }
            }
            for (RuleSubscription r : ctx.spec.rules()) {
                if (r.deadLetterQueue()) {
                    String name = ctx.dlqName(r.name());
                    // AWS-SEMANTICS §2.4: a rule's DLQ needs its own policy admitting that rule
                    ObjectNode doc = policyDocument();
                    ((ArrayNode) doc.get("Statement")).add(eventsStatement(ctx.sidPrefix() + "RuleDeadLetters", ctx.queueArnOf(name), ctx.ruleArn(r)));
                    desired.put(name, Map.of("MessageRetentionPeriod", DLQ_RETENTION, "Policy", doc.toString()));
                }
            }
        }
        Map<String, String> existing = new LinkedHashMap<>(); // name -> url
        for (String url : sqs.listQueuesPaginator(b -> b.queueNamePrefix(ctx.prefix())).queueUrls()) {
            String name = url.substring(url.lastIndexOf('/') + 1);
            if (name.startsWith(ctx.prefix()) && name.endsWith("-dlq")) {
                existing.put(name, url);
            }
        }
        for (Map.Entry<String, Map<String, String>> e : desired.entrySet()) {
            String name = e.getKey();
            Map<String, String> want = e.getValue();
            String url = existing.remove(name);
            if (url == null) {
                creates.add(new Step(new Change(Change.Action.CREATE, "dead-letter-queue", name, List.of()), () ->
                        recordDropped(sqs, sqs.createQueue(b -> b.queueName(name).attributesWithStrings(want).tags(ctx.tags(null))).queueUrl(), want)));
                continue;
            }
            ensureOwned(ctx, url, name);
            Map<String, String> have = attributes(sqs, url);
            java.util.Set<String> dropped = unsupported(sqs, url);
            List<String> diffs = new ArrayList<>();
            want.forEach((k, v) -> {
                if (!dropped.contains(k) && !SdkDiff.sameValue(v, have.get(k))) {
                    diffs.add(k);
                }
            });
            if (diffs.isEmpty()) {
                ctx.unchanged++;
            } else {
                creates.add(new Step(new Change(Change.Action.UPDATE, "dead-letter-queue", name, diffs), () ->
                        writeAttributes(sqs, url, want)));
            }
        }
        for (Map.Entry<String, String> left : existing.entrySet()) {
            Map<String, String> tags = sqs.listQueueTags(b -> b.queueUrl(left.getValue())).tags();
            if (ctx.owned(tags)) {
                // nothing is deleted unread silently: say how many messages go with it
                String depth = attributes(sqs, left.getValue()).getOrDefault("ApproximateNumberOfMessages", "?");
                deletes.add(new Step(new Change(Change.Action.DELETE, "dead-letter-queue", left.getKey(),
                        List.of(depth + " message(s) in it")), () -> sqs.deleteQueue(b -> b.queueUrl(left.getValue()))));
            }
        }
    }

    /** Statements pipekit owns in the worker queue's single policy: one per rule and per topic. */
    static void planQueuePolicy(Context ctx, boolean destroy, List<Step> out) {
        List<ObjectNode> want = new ArrayList<>();
        if (!destroy) {
            for (RuleSubscription r : ctx.spec.rules()) {
                want.add(eventsStatement(ruleSid(ctx, r.name()), ctx.queueArn, ctx.ruleArn(r)));
            }
            for (TopicSubscription t : ctx.spec.topics()) {
                want.add(snsStatement(topicSid(ctx, t.name()), ctx.queueArn, t.topicArn()));
            }
            if (!ctx.spec.rules().isEmpty() && ctx.queueKmsKey != null) {
                ctx.notes.add("the worker queue is encrypted with KMS key " + ctx.queueKmsKey + ": its key policy must allow "
                        + "events.amazonaws.com kms:GenerateDataKey and kms:Decrypt, or rules fail silently "
                        + "(AWS-SEMANTICS §2.4, §6.3). For Copilot, `pipekit render` writes that into overrides/cfn.patches.yml.");
            }
        }
        SqsClient sqs = ctx.clients.sqs();
        boolean keepsPolicies = ctx.queueUrl == null || !unsupported(sqs, ctx.queueUrl).contains("Policy");
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
            writeAttributes(sqs, ctx.queueUrl, Map.of("Policy", policy));
            if (unsupported(sqs, ctx.queueUrl).contains("Policy")) {
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

    /** Deletes the worker queue and its DLQ at destroy, only if this spec created them. */
    static void planWorkerQueueDeletion(Context ctx, List<Step> out) {
        SqsClient sqs = ctx.clients.sqs();
        if (ctx.queueUrl == null || !ctx.spec.queue().create()) {
            return;
        }
        if (!ctx.owned(sqs.listQueueTags(b -> b.queueUrl(ctx.queueUrl)).tags())) {
            ctx.notes.add("worker queue " + ctx.spec.queue().name() + " was not created by pipekit; left in place");
            return;
        }
        String url = ctx.queueUrl;
        String depth = attributes(sqs, url).getOrDefault("ApproximateNumberOfMessages", "?");
        out.add(new Step(new Change(Change.Action.DELETE, "queue", ctx.spec.queue().name(), List.of(depth + " message(s) in it")),
                () -> sqs.deleteQueue(b -> b.queueUrl(url))));
        String dlqName = workerDlqName(ctx.spec.queue());
        try {
            String dlqUrl = sqs.getQueueUrl(b -> b.queueName(dlqName)).queueUrl();
            if (ctx.owned(sqs.listQueueTags(b -> b.queueUrl(dlqUrl)).tags())) {
                out.add(new Step(new Change(Change.Action.DELETE, "queue", dlqName, List.of()), () -> sqs.deleteQueue(b -> b.queueUrl(dlqUrl))));
            }
        } catch (QueueDoesNotExistException absent) {
            // no DLQ was made
        }
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

    static String ruleSid(Context ctx, String name) {
        return ctx.sidPrefix() + "Rule" + Context.camel(name);
    }

    static String topicSid(Context ctx, String name) {
        return ctx.sidPrefix() + "Topic" + Context.camel(name);
    }

    /** AWS-SEMANTICS §2.4: the statement EventBridge needs, pinned to one rule ARN. */
    static ObjectNode eventsStatement(String sid, String queueArn, String ruleArn) {
        return serviceStatement(sid, "events.amazonaws.com", queueArn, ruleArn);
    }

    /** AWS-SEMANTICS §3: SNS delivering to SQS needs the same, pinned to the topic. */
    static ObjectNode snsStatement(String sid, String queueArn, String topicArn) {
        return serviceStatement(sid, "sns.amazonaws.com", queueArn, topicArn);
    }

    private static ObjectNode serviceStatement(String sid, String service, String queueArn, String sourceArn) {
        ObjectNode s = JSON.createObjectNode().put("Sid", sid).put("Effect", "Allow");
        s.putObject("Principal").put("Service", service);
        s.put("Action", "sqs:SendMessage").put("Resource", queueArn);
        s.putObject("Condition").putObject("ArnEquals").put("aws:SourceArn", sourceArn);
        return s;
    }

    private static ObjectNode policyDocument() {
        ObjectNode doc = JSON.createObjectNode().put("Version", "2012-10-17");
        doc.putArray("Statement");
        return doc;
    }

    private static ObjectNode currentPolicy(Context ctx) {
        String policy = attributes(ctx.clients.sqs(), ctx.queueUrl).get("Policy");
        if (policy == null || policy.isBlank()) {
            return null;
        }
        return SdkDiff.tree(policy) instanceof ObjectNode o ? o : null;
    }

    private static void ensureOwned(Context ctx, String url, String name) {
        if (!ctx.owned(ctx.clients.sqs().listQueueTags(b -> b.queueUrl(url)).tags())) {
            throw new IllegalStateException("queue '" + name + "' exists but is not tagged " + Context.TAG_SPEC + "=" + ctx.spec.name()
                    + "; pipekit will not manage a queue it did not create");
        }
    }
}
