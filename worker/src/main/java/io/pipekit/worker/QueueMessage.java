package io.pipekit.worker;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * One SQS message as the worker received it: the body untouched, plus the system and user
 * attributes SQS returned with it.
 *
 * @param queueUrl          the queue it came from
 * @param messageId         SQS message id (stable across redeliveries)
 * @param receiptHandle     the handle of <em>this</em> receive; changes on every redelivery
 * @param body              the raw body
 * @param attributes        system attributes by name ({@code ApproximateReceiveCount}, {@code SentTimestamp},
 *                          {@code MessageGroupId}, {@code AWSTraceHeader}, …)
 * @param messageAttributes user message attributes by name
 * @param receivedAt        when this worker's receive returned it
 */
public record QueueMessage(
        String queueUrl,
        String messageId,
        String receiptHandle,
        String body,
        Map<String, String> attributes,
        Map<String, MessageAttribute> messageAttributes,
        Instant receivedAt) {

    public QueueMessage {
        attributes = Map.copyOf(attributes);
        messageAttributes = Map.copyOf(messageAttributes);
    }

    /** {@code ApproximateReceiveCount}: 1 on the first delivery; 1 when SQS did not send it. */
    public int receiveCount() {
        String count = attributes.get("ApproximateReceiveCount");
        if (count == null) {
            return 1;
        }
        try {
            return Math.max(1, Integer.parseInt(count));
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    /** The FIFO message group, present only on FIFO queues (and fair standard queues). */
    public Optional<String> messageGroupId() {
        return Optional.ofNullable(attributes.get("MessageGroupId"));
    }

    /** The X-Ray trace header SQS carries in the {@code AWSTraceHeader} system attribute. */
    public Optional<String> traceHeader() {
        return Optional.ofNullable(attributes.get("AWSTraceHeader"));
    }

    /** When the message was sent ({@code SentTimestamp}), if SQS said. */
    public Optional<Instant> sentAt() {
        return epochMillis("SentTimestamp");
    }

    /** When the message was first received by anyone ({@code ApproximateFirstReceiveTimestamp}). */
    public Optional<Instant> firstReceivedAt() {
        return epochMillis("ApproximateFirstReceiveTimestamp");
    }

    private Optional<Instant> epochMillis(String attribute) {
        String value = attributes.get(attribute);
        if (value == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.ofEpochMilli(Long.parseLong(value)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
