package io.pipekit.worker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchResponse;

/**
 * Sends visibility changes as {@code ChangeMessageVisibilityBatch} calls: grouped per queue, at
 * most 10 entries a call, entry ids positional so two receipts of one redelivered message never
 * collide (docs/aws-behaviour.md §9; docs/comparable-tools.md §2 item 5). Every entry's result is reported — a batch call
 * answers HTTP 200 even when entries fail.
 *
 * <p>Each call is bounded by an explicit budget (all SDK attempts included) rather than the
 * client's 30 s socket timeout; the heartbeat hedges a call that is slower than {@code callTimeout}.
 */
final class VisibilityChanges {

    private final SqsClient sqs;
    private final Duration callTimeout;

    VisibilityChanges(SqsClient sqs, Duration callTimeout) {
        this.sqs = sqs;
        this.callTimeout = callTimeout;
    }

    /**
     * The hedge interval: a fifth of the time a due lease has left, 1–10 s (3 s at the defaults), so
     * a call lost in the network is backed up several times before the lease runs out.
     */
    Duration callTimeout() {
        return callTimeout;
    }

    static Duration callTimeoutFor(Duration visibilityTimeout, double heartbeatFraction) {
        long millis = (long) (visibilityTimeout.toMillis() * (1.0 - heartbeatFraction) / 5);
        return Duration.ofMillis(Math.clamp(millis, 1_000, 10_000));
    }

    /** Splits changes into calls of at most 10 entries of one queue each. */
    static List<List<VisibilityChange>> batches(List<VisibilityChange> changes) {
        Map<String, List<VisibilityChange>> byQueue = new LinkedHashMap<>();
        for (VisibilityChange change : changes) {
            byQueue.computeIfAbsent(change.message().queueUrl(), q -> new ArrayList<>()).add(change);
        }
        List<List<VisibilityChange>> batches = new ArrayList<>();
        byQueue.values().forEach(queueChanges -> {
            for (int from = 0; from < queueChanges.size(); from += SqsLimits.MAX_BATCH_ENTRIES) {
                batches.add(List.copyOf(queueChanges.subList(from, Math.min(from + SqsLimits.MAX_BATCH_ENTRIES, queueChanges.size()))));
            }
        });
        return batches;
    }

    /** Sends every change, one call after another; for the few changes of a retry or a release. */
    List<VisibilityChange.Result> send(List<VisibilityChange> changes) {
        List<VisibilityChange.Result> results = new ArrayList<>(changes.size());
        for (List<VisibilityChange> batch : batches(changes)) {
            results.addAll(sendBatch(batch));
        }
        return results;
    }

    /** One call for up to 10 changes of one queue, bounded by the call timeout. */
    List<VisibilityChange.Result> sendBatch(List<VisibilityChange> batch) {
        return sendBatch(batch, callTimeout);
    }

    /** One call for up to 10 changes of one queue, bounded by {@code budget} (all SDK attempts included). */
    List<VisibilityChange.Result> sendBatch(List<VisibilityChange> batch, Duration budget) {
        String queueUrl = batch.getFirst().message().queueUrl();
        List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            VisibilityChange change = batch.get(i);
            entries.add(ChangeMessageVisibilityBatchRequestEntry.builder()
                    .id(Integer.toString(i))
                    .receiptHandle(change.message().receiptHandle())
                    .visibilityTimeout(SqsLimits.visibilitySeconds(change.timeout()))
                    .build());
        }
        ChangeMessageVisibilityBatchResponse response;
        try {
            response = sqs.changeMessageVisibilityBatch(b -> b.queueUrl(queueUrl).entries(entries)
                    .overrideConfiguration(o -> o.apiCallTimeout(budget)));
        } catch (SdkException e) {
            return batch.stream().<VisibilityChange.Result>map(c -> new VisibilityChange.NotSent(c, e)).toList();
        }
        VisibilityChange.Result[] results = new VisibilityChange.Result[batch.size()];
        response.successful().forEach(ok -> {
            int i = Integer.parseInt(ok.id());
            results[i] = new VisibilityChange.Changed(batch.get(i));
        });
        for (BatchResultErrorEntry failed : response.failed()) {
            int i = Integer.parseInt(failed.id());
            results[i] = new VisibilityChange.Rejected(batch.get(i), failed.code(), failed.message(), receiptGone(failed.code()));
        }
        for (int i = 0; i < results.length; i++) {
            if (results[i] == null) {
                // SQS must answer every entry; treat silence as "not sent" so the caller may retry
                results[i] = new VisibilityChange.NotSent(batch.get(i), new IllegalStateException("no result for entry " + i));
            }
        }
        return List.of(results);
    }

    /** Codes meaning the receipt is dead (docs/aws-behaviour.md §9): expired, deleted, or not in flight. */
    static boolean receiptGone(String code) {
        return code != null && (code.contains("ReceiptHandleIsInvalid") || code.contains("MessageNotInflight")
                || code.contains("InvalidReceiptHandle"));
    }
}
