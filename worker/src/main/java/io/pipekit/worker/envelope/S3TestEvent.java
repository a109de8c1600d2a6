package io.pipekit.worker.envelope;

import io.pipekit.worker.QueueMessage;

/**
 * The message S3 sends once when a queue is configured as a notification destination; it has no
 * {@code Records} (docs/aws-behaviour.md §4.1). The router acknowledges it without calling any handler.
 */
public record S3TestEvent(QueueMessage queueMessage, String bucket, String time, String requestId) implements Envelope {

    static S3TestEvent read(QueueMessage message, Fields f) {
        return new S3TestEvent(message, f.text("Bucket"), f.text("Time"), f.text("RequestId"));
    }

    @Override
    public EnvelopeKind kind() {
        return EnvelopeKind.S3_TEST;
    }

    @Override
    public String summary() {
        return "S3_TEST bucket=" + bucket;
    }

    /** Id and origin only: a record's default toString would print the body into logs. */
    @Override
    public String toString() {
        return "S3TestEvent[message " + messageId() + ": " + summary() + "]";
    }
}
