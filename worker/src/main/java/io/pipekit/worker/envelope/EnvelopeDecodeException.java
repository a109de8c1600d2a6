package io.pipekit.worker.envelope;

/**
 * A message could not be decoded (see {@link DecodeFailure}). The message names the SQS message id
 * and the reason so the failure path (retry, then DLQ) can be traced without logging the body.
 */
public class EnvelopeDecodeException extends RuntimeException {

    private final transient DecodeFailure failure;

    public EnvelopeDecodeException(DecodeFailure failure) {
        super("message " + failure.messageId() + ": cannot decode "
                + (failure.claimedKind() == EnvelopeKind.RAW ? "body" : failure.claimedKind() + " envelope")
                + ": " + failure.reason(), failure.cause());
        this.failure = failure;
    }

    public DecodeFailure failure() {
        return failure;
    }
}
