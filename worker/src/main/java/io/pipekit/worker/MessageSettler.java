package io.pipekit.worker;

import io.pipekit.worker.RetryLaterException;
import io.pipekit.worker.WorkerListener;
import io.pipekit.worker.WorkerOptions;
import io.pipekit.worker.BackoffPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides each held message's fate exactly once and gives its capacity back: delete after
 * success, a visibility delay after failure (the retry backoff), visibility 0 for a release.
 * Whoever settles a message first wins (see {@link InFlight#settle()}); the others do nothing.
 */
final class MessageSettler {

    private static final Logger log = LoggerFactory.getLogger(MessageSettler.class);

    private final InFlightRegistry registry;
    private final DeleteBatcher deletes;
    private final VisibilityChanges visibility;
    private final ConcurrencyLimiter limiter;
    private final WorkerListener listener;
    private final BackoffPolicy backoff;
    private final Supplier<Duration> releaseDelay;

    /**
     * @param releaseDelay visibility to give released messages: zero while the worker runs; during
     *                     shutdown, long enough to outlast aborted receives still open on the server
     *                     (see {@code QueuePoller#abandonedPollRemaining})
     */
    public MessageSettler(InFlightRegistry registry, DeleteBatcher deletes, VisibilityChanges visibility,
                          ConcurrencyLimiter limiter, WorkerListener listener, BackoffPolicy backoff,
                          Supplier<Duration> releaseDelay) {
        this.registry = registry;
        this.deletes = deletes;
        this.visibility = visibility;
        this.limiter = limiter;
        this.listener = listener;
        this.backoff = backoff;
        this.releaseDelay = releaseDelay;
    }

    /** The handler returned: delete. */
    public void succeeded(InFlight message, Duration handlerTime) {
        if (!settle(message)) {
            return;
        }
        listener.onSuccess(message.message(), handlerTime);
        deletes.delete(message);
    }

    /** The handler threw: leave the message for a retry after the backoff (or the delay it asked for). */
    public void failed(InFlight message, Throwable cause) {
        if (!settle(message)) {
            return;
        }
        Duration delay = capToCeiling(message, retryDelay(message, cause));
        log.warn("handler failed for message {} (receive {}, queue {}); retry in {}s: {}",
                message.message().messageId(), message.message().receiveCount(), WorkerOptions.queueName(message.queueUrl()),
                delay.toSeconds(), cause.toString(), cause);
        listener.onFailure(message.message(), cause, delay);
        for (VisibilityChange.Result result : visibility.send(List.of(new VisibilityChange(message, delay)))) {
            switch (result) {
                case VisibilityChange.Changed changed -> { }
                case VisibilityChange.Rejected(VisibilityChange change, String code, String reason, boolean gone) ->
                        log.warn("could not set the retry delay of message {} ({}: {}); it is retried when its current "
                                + "visibility ends", message.message().messageId(), code, reason);
                case VisibilityChange.NotSent(VisibilityChange change, Throwable error) ->
                        log.warn("could not set the retry delay of message {} ({}); it is retried when its current "
                                + "visibility ends", message.message().messageId(), error.toString());
            }
        }
    }

    /** Hands messages back unprocessed, visible at once, for this or another worker. Returns how many. */
    public int release(List<InFlight> messages) {
        List<VisibilityChange> changes = new ArrayList<>(messages.size());
        Duration delay = releaseDelay.get();
        for (InFlight message : messages) {
            if (settle(message)) {
                listener.onReleased(message.message());
                changes.add(new VisibilityChange(message, delay));
            }
        }
        if (changes.isEmpty()) {
            return 0;
        }
        for (VisibilityChange.Result result : visibility.send(changes)) {
            if (!(result instanceof VisibilityChange.Changed)) {
                log.warn("could not release message {} ({}); it becomes visible when its current visibility ends",
                        messageIdOf(result), result);
            }
        }
        return changes.size();
    }

    private boolean settle(InFlight message) {
        if (!message.settle()) {
            return false;
        }
        registry.remove(message);
        limiter.release(1);
        return true;
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

    private static String messageIdOf(VisibilityChange.Result result) {
        return switch (result) {
            case VisibilityChange.Changed(VisibilityChange c) -> c.message().message().messageId();
            case VisibilityChange.Rejected r -> r.change().message().message().messageId();
            case VisibilityChange.NotSent n -> n.change().message().message().messageId();
        };
    }

}
