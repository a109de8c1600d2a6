package io.pipekit.worker.routing;

import io.pipekit.worker.envelope.Envelope;

/** No route took a message and the router's policy is {@link UnmatchedPolicy#FAIL}. */
public class UnroutableMessageException extends RuntimeException {

    public UnroutableMessageException(Envelope envelope) {
        super("message " + envelope.messageId() + ": no route for " + envelope.summary());
    }
}
