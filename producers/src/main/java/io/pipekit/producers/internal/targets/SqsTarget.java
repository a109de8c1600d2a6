package io.pipekit.producers.internal.targets;

import io.pipekit.producers.SampleEvent;
import io.pipekit.producers.Target;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/**
 * SQS {@code SendMessageBatch}: at most 10 entries per call (docs/aws-behaviour.md §9). The batch total
 * and each message are kept within 256 KiB, the limit every SQS implementation accepts (AWS now
 * allows 1 MiB, §9). HTTP 200 comes back with per-entry {@code Failed}: entries with
 * {@code SenderFault=false} are retried, sender faults are permanent. On a FIFO queue the partition
 * key becomes the message group and the event id the deduplication id.
 */
public final class SqsTarget implements Target<SendMessageBatchRequestEntry> {

    static final int MAX_ENTRIES = 10;
    static final long MAX_BYTES = 256 * 1024;

    private final SqsClient client;
    private final String queueUrl;
    private final boolean fifo;
    private final Function<SampleEvent, String> body;
    private final String label;
    private final boolean typeAttribute;

    /** Sends the event JSON itself as the body. */
    public static SqsTarget plain(SqsClient client, String queueUrl) {
        return new SqsTarget(client, queueUrl, SampleEvent::toJson, "sqs:", true);
    }

    /**
     * Sends what an SNS topic would deliver to this queue (docs/aws-behaviour.md §3, raw delivery off): the
     * envelope as body and no SQS message attributes (SNS puts them inside the envelope).
     */
    public static SqsTarget snsEnveloped(SqsClient client, String queueUrl, String topicArn) {
        return new SqsTarget(client, queueUrl, new SnsEnvelope(topicArn)::wrap, "sns-via-sqs:", false);
    }

    private SqsTarget(SqsClient client, String queueUrl, Function<SampleEvent, String> body, String labelPrefix,
            boolean typeAttribute) {
        this.typeAttribute = typeAttribute;
        this.client = client;
        this.queueUrl = queueUrl;
        this.fifo = queueUrl.endsWith(".fifo");
        this.body = body;
        this.label = labelPrefix + queueUrl.substring(queueUrl.lastIndexOf('/') + 1);
    }

    @Override
    public String describe() {
        return label;
    }

    @Override
    public int maxBatchEntries() {
        return MAX_ENTRIES;
    }

    @Override
    public long maxBatchBytes() {
        return MAX_BYTES;
    }

    @Override
    public Entry<SendMessageBatchRequestEntry> encode(SampleEvent event) {
        String text = body.apply(event);
        Map<String, MessageAttributeValue> attrs = typeAttribute
                ? Map.of("eventType", MessageAttributeValue.builder().dataType("String").stringValue(event.type()).build())
                : Map.of();
        int bytes = text.getBytes(StandardCharsets.UTF_8).length
                + (typeAttribute ? "eventType".length() + "String".length() + event.type().length() : 0);
        if (bytes > MAX_BYTES) {
            throw new IllegalArgumentException("an SQS message is kept within 256 KiB here; this one is " + bytes + " bytes");
        }
        SendMessageBatchRequestEntry.Builder b = SendMessageBatchRequestEntry.builder()
                .id("e" + event.seq()) // unique within any batch of one run; [A-Za-z0-9_-]{1,80}
                .messageBody(text)
                .messageAttributes(attrs);
        if (fifo) {
            b.messageGroupId(event.key()).messageDeduplicationId(event.eventId());
        }
        return new Entry<>(event, b.build(), bytes, null);
    }

    @Override
    public List<Outcome> send(List<Entry<SendMessageBatchRequestEntry>> batch) {
        List<SendMessageBatchRequestEntry> entries = new ArrayList<>(batch.size());
        for (Entry<SendMessageBatchRequestEntry> e : batch) entries.add(e.request());
        SendMessageBatchResponse resp = client.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(entries));
        IdMatchedResults results = new IdMatchedResults();
        resp.successful().forEach(ok -> results.succeeded(ok.id()));
        resp.failed().forEach(f -> results.failed(f.id(), f.senderFault(), f.code(), f.message()));
        return results.inOrderOf(entries.stream().map(SendMessageBatchRequestEntry::id).toList());
    }
}
