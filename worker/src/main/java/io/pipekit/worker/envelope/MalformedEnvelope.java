package io.pipekit.worker.envelope;

/** Raised while reading a detected kind whose fields are missing or of the wrong type; becomes a {@link DecodeFailure}. */
final class MalformedEnvelope extends RuntimeException {

    MalformedEnvelope(String reason) {
        super(reason, null, false, false); // control flow on a hot path: no stack trace
    }
}
