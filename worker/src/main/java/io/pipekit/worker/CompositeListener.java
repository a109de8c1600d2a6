package io.pipekit.worker;

import io.pipekit.worker.QueueMessage;
import io.pipekit.worker.WorkerListener;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Fans every callback out to several listeners; a listener that throws is logged and skipped. */
final class CompositeListener implements WorkerListener {

    private static final Logger log = LoggerFactory.getLogger(CompositeListener.class);

    private final List<WorkerListener> listeners;

    public CompositeListener(List<WorkerListener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    private void each(Consumer<WorkerListener> call) {
        for (WorkerListener listener : listeners) {
            try {
                call.accept(listener);
            } catch (RuntimeException e) {
                log.warn("worker listener {} threw; ignored", listener.getClass().getName(), e);
            }
        }
    }

    @Override public void beforeReceive(String queueUrl) { each(l -> l.beforeReceive(queueUrl)); }
    @Override public void onReceive(String queueUrl, int messages) { each(l -> l.onReceive(queueUrl, messages)); }
    @Override public void onReceiveLoopEnded(String queueUrl, Thread thread) { each(l -> l.onReceiveLoopEnded(queueUrl, thread)); }
    @Override public void onReceiveError(String queueUrl, Throwable error) { each(l -> l.onReceiveError(queueUrl, error)); }
    @Override public void onBusy() { each(WorkerListener::onBusy); }
    @Override public void onIdle() { each(WorkerListener::onIdle); }
    @Override public void onSuccess(QueueMessage m, Duration handlerTime) { each(l -> l.onSuccess(m, handlerTime)); }
    @Override public void onFailure(QueueMessage m, Throwable cause, Duration delay) { each(l -> l.onFailure(m, cause, delay)); }
    @Override public void onReleased(QueueMessage m) { each(l -> l.onReleased(m)); }
    @Override public void onDeleted(String queueUrl, int messages) { each(l -> l.onDeleted(queueUrl, messages)); }
    @Override public void onDeleteFailed(QueueMessage m, String reason) { each(l -> l.onDeleteFailed(m, reason)); }
    @Override public void onVisibilityExtended(QueueMessage m, Duration timeout) { each(l -> l.onVisibilityExtended(m, timeout)); }
    @Override public void onLeaseLost(QueueMessage m, String reason) { each(l -> l.onLeaseLost(m, reason)); }
    @Override public void onPermanentError(String q, String operation, String reason) { each(l -> l.onPermanentError(q, operation, reason)); }
}
