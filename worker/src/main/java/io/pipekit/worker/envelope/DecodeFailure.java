package io.pipekit.worker.envelope;

import io.pipekit.worker.QueueMessage;

/**
 * A body that looks like one of the known kinds but is malformed (a field of the wrong type, bad
 * base64, an S3 key that is not URL-encoded, …), or a body the decoder could not read at all. It is
 * never handed to user handlers: the router throws {@link #toException()}, so the message goes
 * down the failure path (retries, then the DLQ) instead of being dropped.
 *
 * @param queueMessage the message as received
 * @param claimedKind  the kind the body was detected as ({@link EnvelopeKind#RAW} when none)
 * @param reason       what is wrong, without the body's content
 * @param cause        the underlying exception, if any
 */
public record DecodeFailure(QueueMessage queueMessage, EnvelopeKind claimedKind, String reason, Throwable cause)
        implements Envelope {

    @Override
    public EnvelopeKind kind() {
        return EnvelopeKind.DECODE_FAILURE;
    }

    @Override
    public String messageId() {
        return queueMessage == null ? "<none>" : queueMessage.messageId();
    }

    public EnvelopeDecodeException toException() {
        return new EnvelopeDecodeException(this);
    }

    @Override
    public String summary() {
        return "DECODE_FAILURE claimed=" + claimedKind + " reason=" + reason;
    }

    /** Id and origin only: a record's default toString would print the body into logs. */
    @Override
    public String toString() {
        return "DecodeFailure[message " + messageId() + ": " + summary() + "]";
    }
}
