package io.pipekit.worker.envelope;

import io.pipekit.worker.QueueMessage;

/**
 * A body that is none of the known envelopes: a producer's direct send, an SNS raw delivery, a
 * custom pipe or rule template (docs/aws-behaviour.md §10.1 step 9). The body may still be JSON —
 * {@link Payload#isJson()} tells.
 */
public record RawMessage(QueueMessage queueMessage, Payload body) implements Envelope {

    @Override
    public EnvelopeKind kind() {
        return EnvelopeKind.RAW;
    }

    @Override
    public String summary() {
        return "RAW";
    }

    /** Id and origin only: a record's default toString would print the body into logs. */
    @Override
    public String toString() {
        return "RawMessage[message " + messageId() + ": " + summary() + "]";
    }
}
