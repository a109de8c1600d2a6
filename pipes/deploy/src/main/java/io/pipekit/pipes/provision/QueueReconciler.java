package io.pipekit.pipes.provision;

import io.pipekit.pipes.model.Deployment;
import io.pipekit.pipes.model.Ref;
import io.pipekit.pipes.model.Statement;
import io.pipekit.pipes.spec.WorkerQueue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/** The worker queue (when the spec creates it) and the dead-letter queues of pipes and rules. */
final class QueueReconciler {

    private QueueReconciler() {}

    /** Looks the worker queue up; leaves {@code ctx.queueUrl} null if it does not exist yet. */
    static void resolve(Context ctx) {
        SqsClient sqs = ctx.clients.sqs();
        WorkerQueue q = ctx.spec.queue();
        if (ctx.options.copilot() != null) {
            ctx.queueUrl = CopilotQueue.find(ctx.clients, ctx.options.copilot());
            ctx.copilotQueue = true;
        } else {
            try {
                ctx.queueUrl = sqs.getQueueUrl(b -> b.queueName(q.name())).queueUrl();
            } catch (QueueDoesNotExistException e) {
                if (!q.create()) {
                    throw new IllegalStateException("worker queue '" + q.name() + "' does not exist; deploy it first "
                            + "(for a Copilot service use --copilot APP/ENV/SERVICE) or set queue.create: true in " + ctx.spec.source());
                }
                if (ctx.model.customerKey()) {
                    // apply has no KMS client: a key and its policy belong in a stack (docs/deployment.md)
                    throw new IllegalStateException("worker queue '" + q.name() + "': queue.encryption: kms with queue.create: true is not"
                            + " something apply can create (it makes SSE-SQS queues only; a customer key and its key policy belong in a stack)."
                            + " Deploy the queue with the standalone stack or Copilot and set queue.create: false (Copilot: --copilot APP/ENV/SERVICE),"
                            + " or use encryption: sse-sqs");
                }
                ctx.queueUrl = null;
                ctx.region = sqs.serviceClientConfiguration().region().id();
                ctx.account = "000000000000"; // placeholder until the queue exists and its ARN tells
                ctx.queueArn = ctx.queueArnOf(q.name());
                return;
            }
        }
        Map<String, String> attrs = attributes(sqs, ctx.queueUrl);
        ctx.queueArn = attrs.get(QueueAttributeName.QUEUE_ARN.toString());
        ctx.adoptArn(ctx.queueArn);
        String kms = attrs.get(QueueAttributeName.KMS_MASTER_KEY_ID.toString());
        ctx.queueKmsKey = kms == null || kms.isBlank() || kms.equals("alias/aws/sqs") ? null : kms;
        // the spec's encryption is a promise the live queue must keep: roles and key statements follow from it
        if (ctx.model.customerKey() && ctx.queueKmsKey == null) {
            throw new IllegalStateException("worker queue " + ctx.queueArn + " has no customer-managed key, but " + ctx.spec.source()
                    + " says queue.encryption: kms; set encryption: sse-sqs or encrypt the queue with its key first");
        }
        if (!ctx.model.customerKey() && ctx.queueKmsKey != null) {
            ctx.notes.add("worker queue " + ctx.queueArn + " is encrypted with customer key " + ctx.queueKmsKey + " although the spec says"
                    + " sse-sqs: pipe roles get that key anyway, but say encryption: kms so every path agrees");
        }
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
        String dlqName = ctx.model.workerDeadLetterQueueName();
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
            String[] dlqArn = {null};
            if (q.deadLetterTries() > 0) {
                Map<String, String> dlqAttrs = ctx.model.workerDeadLetterQueueAttributes(ctx::arn);
                String dlqUrl = sqs.createQueue(b -> b.queueName(dlqName).attributesWithStrings(dlqAttrs).tags(ctx.tags(null))).queueUrl();
                recordDropped(sqs, dlqUrl, dlqAttrs);
                dlqArn[0] = attributes(sqs, dlqUrl).get(QueueAttributeName.QUEUE_ARN.toString());
            }
            Map<String, String> attrs = ctx.model.workerQueueAttributes(ref -> ref instanceof Ref.WorkerDeadLetterQueueArn ? dlqArn[0] : ctx.arn(ref));
            ctx.queueUrl = sqs.createQueue(b -> b.queueName(q.name()).attributesWithStrings(attrs).tags(ctx.tags(null))).queueUrl();
            recordDropped(sqs, ctx.queueUrl, attrs);
            ctx.queueArn = attributes(sqs, ctx.queueUrl).get(QueueAttributeName.QUEUE_ARN.toString());
            ctx.adoptArn(ctx.queueArn);
        }));
    }


    /** Dead-letter queues of pipes and rules: creates/updates desired ones, deletes owned leftovers. */
    static void planDeadLetterQueues(Context ctx, boolean destroy, List<Step> creates, List<Step> deletes) {
        SqsClient sqs = ctx.clients.sqs();
        Map<String, Map<String, String>> desired = new LinkedHashMap<>();
        if (!destroy) {
            for (String sub : ctx.model.deadLetterQueues()) {
                Map<String, String> want = new LinkedHashMap<>(Deployment.subscriptionDeadLetterQueueAttributes());
                List<Statement> policy = ctx.model.deadLetterQueuePolicy(sub);
                if (!policy.isEmpty()) {
                    want.put("Policy", Statement.document(policy, ctx::json).toString());
                }
                desired.put(ctx.dlqName(sub), want);
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
        String dlqName = ctx.model.workerDeadLetterQueueName();
        try {
            String dlqUrl = sqs.getQueueUrl(b -> b.queueName(dlqName)).queueUrl();
            if (ctx.owned(sqs.listQueueTags(b -> b.queueUrl(dlqUrl)).tags())) {
                out.add(new Step(new Change(Change.Action.DELETE, "queue", dlqName, List.of()), () -> sqs.deleteQueue(b -> b.queueUrl(dlqUrl))));
            }
        } catch (QueueDoesNotExistException absent) {
            // no DLQ was made
        }
    }

    private static void ensureOwned(Context ctx, String url, String name) {
        if (!ctx.owned(ctx.clients.sqs().listQueueTags(b -> b.queueUrl(url)).tags())) {
            throw new IllegalStateException("queue '" + name + "' exists but is not tagged " + Context.TAG_SPEC + "=" + ctx.spec.name()
                    + "; pipekit will not manage a queue it did not create");
        }
    }
}
