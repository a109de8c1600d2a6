package io.pipekit.worker.routing;

import io.pipekit.worker.envelope.Envelope;

/**
 * User code for one kind of envelope. Same contract as {@link io.pipekit.worker.MessageHandler}:
 * return normally and the message is deleted; throw and it is retried, then dead-lettered.
 */
@FunctionalInterface
public interface EnvelopeHandler<E extends Envelope> {

    void handle(E envelope) throws Exception;
}
