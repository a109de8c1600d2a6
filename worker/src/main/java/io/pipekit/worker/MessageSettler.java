package io.pipekit.worker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides each held message's fate exactly once: delete after success, a visibility delay after
 * failure (the retry backoff), visibility 0 for a release. Whoever decides first wins (see
 * {@link InFlight#settle()}); the others do nothing.
 *
 * <p>A message holds capacity until SQS has answered for it. A failed or released one holds its
 * handler capacity until its visibility change was sent. A succeeded one moves from handler
 * capacity to <em>delete capacity</em> ({@code maxConcurrency} plus the receive-ahead budget) and holds that until
 * its delete is acknowledged: handlers are not kept waiting for a delete round trip, yet pending
 * deletes are bounded — when the delete path falls behind, finished handlers wait for room, and so
 * do the receives behind them. A shutdown waits for both.
 */
final class MessageSettler {

    private static final Logger log = LoggerFactory.getLogger(MessageSettler.class);

    private final InFlightRegistry registry;
    private final VisibilityChanges visibility;
    private final ConcurrencyLimiter limiter;
    private final ConcurrencyLimiter deleteCapacity;
    private final WorkerListener listener;
    private final BackoffPolicy backoff;
    private final Supplier<Duration> releaseDelay;
    private DeleteBatcher deletes;

    /**
     * @param deleteCapacity what succeeded messages hold while their delete is out (docs/worker-engine.md,
     *                       "Delete batching; a message is held until its delete is answered")
     * @param releaseDelay visibility to give released messages: zero while the worker runs; during
     *                     shutdown, long enough to outlast aborted receives still open on the server
     *                     (see {@code QueuePoller#abandonedPollRemaining})
     */
    MessageSettler(InFlightRegistry registry, VisibilityChanges visibility, ConcurrencyLimiter limiter,
                   ConcurrencyLimiter deleteCapacity, WorkerListener listener, BackoffPolicy backoff, Supplier<Duration> releaseDelay) {
        this.registry = registry;
        this.visibility = visibility;
        this.limiter = limiter;
        this.deleteCapacity = deleteCapacity;
        this.listener = listener;
        this.backoff = backoff;
        this.releaseDelay = releaseDelay;
    }

    void deletes(DeleteBatcher value) {
        this.deletes = value;
    }

    /** The handler returned: delete. The message stays held until the delete is answered. */
    void succeeded(InFlight message, Duration handlerTime) {
        if (!message.beginDelete()) {
            return;
        }
        listener.onSuccess(message.message(), handlerTime);
        List<InFlight> inline = message.takeDeleteInto();
        boolean moved = false;
        if (inline != null) {
            // a receive loop running its batch inline must never wait for delete capacity while it holds
            // its batch's unsent deletes: loops could then wait on each other for good. Without room
            // now, the message keeps its handler capacity, which still bounds what is held.
            moved = deleteCapacity.tryAcquireOne();
        } else {
            try {
                deleteCapacity.acquireUpTo(1);
                moved = true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // shutdown gave up on this handler: keep its handler capacity instead
            }
        }
        if (moved) {
            limiter.release(1);
        }
        message.heldBy(moved);
        if (inline != null) {
            inline.add(message); // the inline run sends its batch's deletes itself, on its own thread
        } else {
            deletes.delete(message);
        }
    }

    /** Deletes what an inline run collected, on the calling thread (see {@link StandardDispatcher#runInline}). */
    void deleteNow(String queueUrl, List<InFlight> succeeded) {
        if (!succeeded.isEmpty()) {
            deletes.deleteNow(queueUrl, succeeded);
        }
    }

    /** SQS answered the delete (or the batcher gave up on it): give the capacity back. */
    void deleteDone(InFlight message) {
        message.finish();
        registry.remove(message);
        (message.heldByDeleteCapacity() ? deleteCapacity : limiter).release(1);
    }

    /** Waits until no delete is pending, or the timeout passes. */
    boolean awaitDeletes(Duration timeout) throws InterruptedException {
        return deleteCapacity.awaitInUseAtMost(0, timeout);
    }

    /** The handler threw: leave the message for a retry after the backoff (or the delay it asked for). */
    void failed(InFlight message, Throwable cause) {
        if (!message.settle()) {
            return;
        }
        try {
            Duration delay = capToCeiling(message, retryDelay(message, cause));
            log.warn("handler failed for message {} (receive {}, queue {}); retry in {}s: {}",
                    message.messageId(), message.message().receiveCount(), WorkerOptions.queueName(message.queueUrl()),
                    delay.toSeconds(), cause.toString(), cause);
            listener.onFailure(message.message(), cause, delay);
            for (VisibilityChange.Result result : visibility.send(List.of(new VisibilityChange(message, delay)))) {
                if (!(result instanceof VisibilityChange.Changed)) {
                    log.warn("could not set the retry delay of message {} ({}); it is retried when its current "
                            + "visibility ends", message.messageId(), describe(result));
                }
            }
        } finally {
            done(message);
        }
    }

    /**
     * The handler ran past the handler timeout: interrupt it and retry the message after the
     * backoff, as for a failure — so a handler that always hangs ends in the dead-letter queue.
     */
    void timedOut(InFlight message, Duration limit) {
        if (!message.isActive()) {
            return;
        }
        message.interruptHandler();
        failed(message, new TimeoutException("handler ran longer than the handler timeout of " + limit.toSeconds() + " s"));
    }

    /** Hands messages back unprocessed, visible at once, for this or another worker. Returns how many. */
    int release(List<InFlight> messages) {
        return release(messages, true);
    }

    /**
     * Hands back messages a receive returned after the worker stopped and took that receive's
     * capacity back, or that were waiting for handler capacity when it stopped: they were never
     * registered, hold no capacity, and no listener hears of them one by one (the listeners may be
     * closed by now; at most {@code onReceive} counted them). They get the same visibility as any
     * release while stopping ({@code releaseDelay}).
     */
    void releaseUnclaimed(List<InFlight> messages) {
        release(messages, false);
    }

    private int release(List<InFlight> messages, boolean held) {
        List<VisibilityChange> changes = new ArrayList<>(messages.size());
        Duration delay = releaseDelay.get();
        for (InFlight message : messages) {
            if (message.settle()) {
                if (held) { // an unclaimed message was never reported received: listeners never hear of it
                    listener.onReleased(message.message());
                }
                changes.add(new VisibilityChange(message, delay));
            }
        }
        if (changes.isEmpty()) {
            return 0;
        }
        try {
            for (VisibilityChange.Result result : visibility.send(changes)) {
                if (!(result instanceof VisibilityChange.Changed)) {
                    log.warn("could not release message {} ({}); it becomes visible when its current visibility ends",
                            messageIdOf(result), describe(result));
                }
            }
        } finally {
            if (held) {
                changes.forEach(change -> done(change.message()));
            }
        }
        return changes.size();
    }

    private void done(InFlight message) {
        registry.remove(message);
        limiter.release(1);
    }

    private Duration retryDelay(InFlight message, Throwable cause) {
        if (cause instanceof RetryLaterException retry) {
            return retry.delay();
        }
        return backoff.delayFor(message.message().receiveCount());
    }

    /** SQS rejects a visibility past 12 h from the receive (docs/aws-behaviour.md §9). */
    private static Duration capToCeiling(InFlight message, Duration delay) {
        Duration room = SqsLimits.roomBeforeCeiling(Duration.ofNanos(System.nanoTime() - message.receivedNanos()));
        if (room.isNegative()) {
            return Duration.ZERO;
        }
        return delay.compareTo(room) > 0 ? room : delay;
    }

    private static String describe(VisibilityChange.Result result) {
        return switch (result) {
            case VisibilityChange.Changed c -> "changed";
            case VisibilityChange.Rejected r -> r.code() + ": " + r.reason();
            case VisibilityChange.NotSent n -> n.error().toString();
        };
    }

    private static String messageIdOf(VisibilityChange.Result result) {
        return switch (result) {
            case VisibilityChange.Changed(VisibilityChange c) -> c.message().messageId();
            case VisibilityChange.Rejected r -> r.change().message().messageId();
            case VisibilityChange.NotSent n -> n.change().message().messageId();
        };
    }
}
