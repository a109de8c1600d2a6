package io.pipekit.worker;

import io.pipekit.worker.MessageHandler;
import io.pipekit.worker.WorkerOptions;
import java.time.Duration;
import java.util.function.LongConsumer;
import org.slf4j.MDC;

/**
 * Runs the user's handler for one message on the current (virtual) thread and settles the message
 * by the result. Nothing thrown by a handler escapes: one bad message never stops the worker.
 * While the handler runs, the log context carries the message id, queue and trace header.
 */
final class MessageProcessor {

    private final MessageHandler handler;
    private final MessageSettler settler;

    public MessageProcessor(MessageHandler handler, MessageSettler settler) {
        this.handler = handler;
        this.settler = settler;
    }

    /** @return true when the handler succeeded */
    public boolean process(InFlight message) {
        return process(message, nanos -> { });
    }

    /**
     * As {@link #process(InFlight)}, telling {@code handlerNanos} how long the handler itself ran (not
     * the settling after it, which may wait for delete capacity).
     */
    public boolean process(InFlight message, LongConsumer handlerNanos) {
        message.handlerStarted(Thread.currentThread());
        MDC.put("messageId", message.message().messageId());
        MDC.put("queue", WorkerOptions.queueName(message.queueUrl()));
        message.message().traceHeader().ifPresent(trace -> MDC.put("traceHeader", trace));
        long start = System.nanoTime();
        try {
            handler.handle(message.message());
            long took = System.nanoTime() - start;
            handlerNanos.accept(took);
            settler.succeeded(message, Duration.ofNanos(took));
            return true;
        } catch (Throwable failure) {
            handlerNanos.accept(System.nanoTime() - start);
            settler.failed(message, failure);
            if (failure instanceof VirtualMachineError error) {
                throw error;
            }
            return false;
        } finally {
            message.handlerEnded();
            Thread.interrupted(); // a shutdown interrupt meant for this handler must not leak to the next one
            MDC.clear();
        }
    }
}
