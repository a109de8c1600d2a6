package io.pipekit.testkit;

import io.pipekit.worker.QueueMessage;
import io.pipekit.worker.WorkerListener;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records what the worker did with each message, for the waits of {@link RunningWorker}. */
final class Outcomes implements WorkerListener {

    final List<QueueMessage> processed = new CopyOnWriteArrayList<>();
    final List<Failure> failures = new CopyOnWriteArrayList<>();

    @Override
    public void onSuccess(QueueMessage message, Duration handlerTime) {
        processed.add(message);
    }

    @Override
    public void onFailure(QueueMessage message, Throwable cause, Duration retryDelay) {
        failures.add(new Failure(message, cause, retryDelay));
    }
}
