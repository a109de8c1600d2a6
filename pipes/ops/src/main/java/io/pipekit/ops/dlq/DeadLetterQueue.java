package io.pipekit.ops.dlq;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Reads a dead-letter queue without consuming it: messages are received with a short visibility
 * timeout and made visible again (timeout 0) as soon as the scan ends. Each peek still counts as a
 * receive ({@code ApproximateReceiveCount} grows), which matters only if the DLQ itself has a redrive policy.
 */
public final class DeadLetterQueue {

    /** SQS returns at most 10 messages per receive (docs/aws-behaviour.md §9). */
    static final int MAX_BATCH = 10;

    /**
     * @param approximateTotal ApproximateNumberOfMessages (visible) at the start
     * @param messages what was read, oldest first (at most the limit asked for)
     */
    public record Contents(String queueUrl, long approximateTotal, List<DeadLetter> messages) {

        public Contents {
            messages = messages.stream().sorted(Comparator.comparing(DeadLetter::sent)).toList();
        }

        /** Counts per kind, in the order redrive, pipe-batch, rule-failure. */
        public Map<String, Long> countsByKind() {
            Map<String, Long> out = new LinkedHashMap<>();
            for (String k : List.of("redrive", "pipe-batch", "rule-failure")) {
                long n = messages.stream().filter(m -> m.kind().equals(k)).count();
                if (n > 0) {
                    out.put(k, n);
                }
            }
            return out;
        }

        /** Counts per kind and origin (source queue, stream shard, rule). */
        public Map<String, Long> countsByOrigin() {
            return messages.stream().collect(Collectors.groupingBy(m -> m.kind() + " " + m.origin(), TreeMap::new, Collectors.counting()));
        }
    }

    private final SqsClient sqs;
    private final String url;

    public DeadLetterQueue(SqsClient sqs, String url) {
        this.sqs = sqs;
        this.url = url;
    }

    public String url() {
        return url;
    }

    public long approximateSize() {
        String n = sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                .attributesAsStrings().get("ApproximateNumberOfMessages");
        return n == null ? 0 : Long.parseLong(n);
    }

    /**
     * Reads up to {@code limit} messages, holding each invisible for {@code hold} during the scan
     * (long enough that the scan does not see a message twice), then releases all of them.
     */
    public Contents peek(int limit, Duration hold) {
        long total = approximateSize();
        Map<String, DeadLetter> seen = new LinkedHashMap<>();
        List<Message> held = new ArrayList<>();
        try {
            int emptyReceives = 0;
            while (seen.size() < limit && emptyReceives < 2) {
                int want = Math.min(MAX_BATCH, limit - seen.size());
                List<Message> batch = receive(sqs, url, want, hold, 0);
                if (batch.isEmpty()) {
                    emptyReceives++;   // one more short poll: SQS samples servers on a short poll (docs/aws-behaviour.md §9)
                    continue;
                }
                emptyReceives = 0;
                held.addAll(batch);
                batch.forEach(m -> seen.putIfAbsent(m.messageId(), DeadLetter.of(m)));
            }
        } finally {
            release(sqs, url, held);
        }
        return new Contents(url, total, new ArrayList<>(seen.values()));
    }

    static List<Message> receive(SqsClient sqs, String url, int max, Duration visibility, int waitSeconds) {
        return sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(max).waitTimeSeconds(waitSeconds)
                .visibilityTimeout((int) Math.max(1, visibility.toSeconds()))
                .messageSystemAttributeNames(MessageSystemAttributeName.ALL).messageAttributeNames("All")).messages();
    }

    /** Makes messages visible again at once (visibility 0), ten per call. Stale handles are ignored: the message is visible anyway. */
    static void release(SqsClient sqs, String url, List<Message> messages) {
        for (int i = 0; i < messages.size(); i += MAX_BATCH) {
            List<Message> chunk = messages.subList(i, Math.min(messages.size(), i + MAX_BATCH));
            List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>();
            for (int j = 0; j < chunk.size(); j++) {
                entries.add(ChangeMessageVisibilityBatchRequestEntry.builder().id("m" + j).receiptHandle(chunk.get(j).receiptHandle()).visibilityTimeout(0).build());
            }
            sqs.changeMessageVisibilityBatch(b -> b.queueUrl(url).entries(entries));
        }
    }
}
