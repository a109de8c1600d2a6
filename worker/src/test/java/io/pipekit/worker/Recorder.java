package io.pipekit.worker;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A listener that records what the engine reported. */
final class Recorder implements WorkerListener {
    final AtomicInteger deleted = new AtomicInteger();
    final List<String> deleteFailed = new CopyOnWriteArrayList<>();
    final List<String> leaseLost = new CopyOnWriteArrayList<>();
    final List<String> permanent = new CopyOnWriteArrayList<>();
    final List<String> failed = new CopyOnWriteArrayList<>();
    final List<String> released = new CopyOnWriteArrayList<>();
    final List<String> extended = new CopyOnWriteArrayList<>();

    @Override public void onDeleted(String queueUrl, int messages) { deleted.addAndGet(messages); }
    @Override public void onDeleteFailed(QueueMessage m, String reason) { deleteFailed.add(m.messageId() + " " + reason); }
    @Override public void onLeaseLost(QueueMessage m, String reason) { leaseLost.add(m.messageId()); }
    @Override public void onPermanentError(String q, String operation, String reason) { permanent.add(operation + " " + reason); }
    @Override public void onFailure(QueueMessage m, Throwable cause, Duration delay) { failed.add(m.messageId()); }
    @Override public void onReleased(QueueMessage m) { released.add(m.messageId()); }
    @Override public void onVisibilityExtended(QueueMessage m, Duration timeout) { extended.add(m.messageId()); }
}
