package io.pipekit.worker.routing;

import io.pipekit.worker.envelope.Envelope;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * One registered route: which envelopes it takes and who handles them. A route takes an envelope of
 * its {@code kind} that passes {@code when} and, if it has a {@code pattern}, matches it.
 */
record Route(String description, Class<? extends Envelope> kind, Predicate<Envelope> when, EventPattern pattern,
             EnvelopeHandler<Envelope> handler) {

    static <E extends Envelope> Route of(String description, Class<E> kind, Predicate<? super E> when,
                                         EnvelopeHandler<? super E> handler) {
        return of(description, kind, when, null, handler);
    }

    static <E extends Envelope> Route matching(Class<E> kind, EventPattern pattern, EnvelopeHandler<? super E> handler) {
        return of("pattern " + pattern, kind, e -> true, pattern, handler);
    }

    private static <E extends Envelope> Route of(String description, Class<E> kind, Predicate<? super E> when,
                                                 EventPattern pattern, EnvelopeHandler<? super E> handler) {
        Objects.requireNonNull(handler, "handler");
        return new Route(description, kind, envelope -> when.test(kind.cast(envelope)), pattern,
                envelope -> handler.handle(kind.cast(envelope)));
    }

    /** Kind and predicate only; the pattern, if any, is the caller's to check (in one pass for all routes). */
    boolean admits(Envelope envelope) {
        return kind.isInstance(envelope) && when.test(envelope);
    }
}
