package io.pipekit.worker;

/**
 * User code that processes one message.
 *
 * <p>Returning normally means success: the worker deletes the message. Throwing means failure: the
 * message stays on the queue and is retried after a backoff computed from its receive count (or the
 * exact delay of a {@link RetryLaterException}); after the queue's {@code maxReceiveCount} SQS moves
 * it to the dead-letter queue. Delivery is at-least-once, so handlers should be idempotent —
 * {@link QueueMessage#messageId()} is stable across redeliveries.
 *
 * <p>Handlers run on virtual threads; blocking I/O is fine. A handler is interrupted only when a
 * shutdown budget runs out, in which case its message is released for another worker.
 */
@FunctionalInterface
public interface MessageHandler {

    void handle(QueueMessage message) throws Exception;
}
