package io.pipekit.worker;

import java.time.Duration;

/**
 * Observes what a {@link Worker} does — the hook for metrics, health, logging and ECS task
 * protection. Callbacks run on the worker's own threads and must be quick and must not throw; a
 * throwing listener is logged and otherwise ignored.
 */
public interface WorkerListener {

    /** A poller is about to call {@code ReceiveMessage} on the queue. */
    default void beforeReceive(String queueUrl) {}

    /** A receive returned (possibly zero messages): the poller is alive. */
    default void onReceive(String queueUrl, int messages) {}

    /**
     * A receive loop of the queue stopped receiving on {@code thread}: it ended (a loop a backlog
     * added, or shutdown), or the thread went on running a handler that stalled the batch it ran
     * inline, while a fresh loop took its place. Callbacks that track loops by their thread forget it.
     */
    default void onReceiveLoopEnded(String queueUrl, Thread thread) {}

    /** A receive failed; the poller backs off and tries again. */
    default void onReceiveError(String queueUrl, Throwable error) {}

    /** In-flight went from zero to one: the worker now holds work. */
    default void onBusy() {}

    /** In-flight went back to zero. */
    default void onIdle() {}

    /** The handler returned; the message's delete is queued. */
    default void onSuccess(QueueMessage message, Duration handlerTime) {}

    /** The handler threw; the message will be visible again after {@code retryDelay}. */
    default void onFailure(QueueMessage message, Throwable cause, Duration retryDelay) {}

    /** The message was handed back unprocessed (visibility 0): FIFO group after a failure, or shutdown. */
    default void onReleased(QueueMessage message) {}

    /** A {@code DeleteMessageBatch} removed this many messages. */
    default void onDeleted(String queueUrl, int messages) {}

    /** A delete did not succeed; the message will be redelivered (at-least-once). */
    default void onDeleteFailed(QueueMessage message, String reason) {}

    /** The heartbeat extended the message's visibility by {@code timeout} from now. */
    default void onVisibilityExtended(QueueMessage message, Duration timeout) {}

    /**
     * The worker lost the message's lease: it lapsed before the heartbeat could extend it, or SQS no
     * longer recognises the receipt. Another consumer may get the message.
     */
    default void onLeaseLost(QueueMessage message, String reason) {}

    /**
     * SQS refused an operation in a way waiting cannot fix (access denied, queue gone, bad
     * credentials). The worker keeps retrying — the role may be fixed while it runs — but health
     * reports the queue as failing until the operation succeeds again.
     *
     * @param operation {@code ReceiveMessage}, {@code DeleteMessage} or {@code ChangeMessageVisibility}
     */
    default void onPermanentError(String queueUrl, String operation, String reason) {}
}
