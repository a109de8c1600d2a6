package io.pipekit.worker;

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
 */
final class VisibilityChanges {

    private final SqsClient sqs;

    public VisibilityChanges(SqsClient sqs) {
        this.sqs = sqs;
    }

    public List<VisibilityChange.Result> send(List<VisibilityChange> changes) {
        Map<String, List<VisibilityChange>> byQueue = new LinkedHashMap<>();
        for (VisibilityChange change : changes) {
            byQueue.computeIfAbsent(change.message().queueUrl(), q -> new ArrayList<>()).add(change);
        }
        List<VisibilityChange.Result> results = new ArrayList<>(changes.size());
        byQueue.forEach((queueUrl, queueChanges) -> {
            for (int from = 0; from < queueChanges.size(); from += SqsLimits.MAX_BATCH_ENTRIES) {
                results.addAll(sendBatch(queueUrl, queueChanges.subList(from, Math.min(from + SqsLimits.MAX_BATCH_ENTRIES, queueChanges.size()))));
            }
        });
        return results;
    }

    private List<VisibilityChange.Result> sendBatch(String queueUrl, List<VisibilityChange> batch) {
        List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            VisibilityChange change = batch.get(i);
            entries.add(ChangeMessageVisibilityBatchRequestEntry.builder()
                    .id(Integer.toString(i))
                    .receiptHandle(change.message().receiptHandle())
                    .visibilityTimeout(toSeconds(change))
                    .build());
        }
        ChangeMessageVisibilityBatchResponse response;
        try {
            response = sqs.changeMessageVisibilityBatch(b -> b.queueUrl(queueUrl).entries(entries));
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

    private static int toSeconds(VisibilityChange change) {
        return SqsLimits.visibilitySeconds(change.timeout());
    }

    /** Codes meaning the receipt is dead (docs/aws-behaviour.md §9): expired, deleted, or not in flight. */
    static boolean receiptGone(String code) {
        return code != null && (code.contains("ReceiptHandleIsInvalid") || code.contains("MessageNotInflight")
                || code.contains("InvalidReceiptHandle"));
    }
}
