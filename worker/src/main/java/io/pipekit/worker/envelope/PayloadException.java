package io.pipekit.worker.envelope;

/**
 * A payload was asked for in a form it does not have (not JSON, not base64, not bindable to the
 * requested class, a malformed DynamoDB attribute value). Thrown from a handler it fails the message,
 * which is then retried and eventually dead-lettered — never silently dropped.
 */
public class PayloadException extends RuntimeException {

    public PayloadException(String message) {
        super(message);
    }

    public PayloadException(String message, Throwable cause) {
        super(message, cause);
    }
}
