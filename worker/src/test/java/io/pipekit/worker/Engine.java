package io.pipekit.worker;

import java.time.Clock;
import java.time.Duration;

/** The engine's parts wired as {@link Worker} wires them, over a scripted SQS (no pollers). */
final class Engine implements AutoCloseable {
    final ScriptedSqs sqs = new ScriptedSqs();
    final Recorder listener = new Recorder();
    final ConcurrencyLimiter limiter;
    final InFlightRegistry registry = new InFlightRegistry(listener);
    final VisibilityChanges visibility;
    final MessageSettler settler;
    final DeleteBatcher deletes;

    Engine(int capacity, Duration flushInterval) {
        this(capacity, flushInterval, Duration.ofSeconds(5));
    }

    Engine(int capacity, Duration flushInterval, Duration visibilityCallTimeout) {
        visibility = new VisibilityChanges(sqs, visibilityCallTimeout);
        limiter = new ConcurrencyLimiter(capacity);
        settler = new MessageSettler(registry, visibility, limiter, new ConcurrencyLimiter(capacity), listener, BackoffPolicy.constant(Duration.ofSeconds(7)), () -> Duration.ZERO);
        deletes = new DeleteBatcher(sqs, flushInterval, Duration.ofSeconds(5), capacity, listener, settler::deleteDone, Clock.systemUTC());
        settler.deletes(deletes);
        deletes.start();
    }

    /** Takes capacity for the message and holds it, as a poller does on receive. */
    InFlight hold(InFlight message) throws InterruptedException {
        limiter.acquireUpTo(1);
        registry.add(message);
        return message;
    }

    @Override
    public void close() {
        deletes.close();
    }
}
