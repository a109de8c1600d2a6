package io.pipekit.worker.routing;

import io.pipekit.worker.envelope.Envelope;
import java.util.function.Predicate;

/** One registered route: which envelopes it takes and who handles them. */
record Route(String description, Predicate<Envelope> accepts, EnvelopeHandler<Envelope> handler) {

    static <E extends Envelope> Route of(String description, Class<E> kind, Predicate<? super E> when,
                                         EnvelopeHandler<? super E> handler) {
        java.util.Objects.requireNonNull(handler, "handler");
        return new Route(description,
                envelope -> kind.isInstance(envelope) && when.test(kind.cast(envelope)),
                envelope -> handler.handle(kind.cast(envelope)));
    }
}
