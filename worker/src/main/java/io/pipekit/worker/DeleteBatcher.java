package io.pipekit.worker;

import io.pipekit.worker.WorkerListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;

/**
 * Deletes processed messages in {@code DeleteMessageBatch} calls: a queue's batch goes out when it
 * holds 10 messages or when its oldest has waited the flush interval. Only messages whose handler
 * already returned ever get here.
 *
 * <p>Every entry's result is inspected (a batch call answers 200 with per-entry failures,
 * docs/aws-behaviour.md §9); entry ids are positional, so a message redelivered within one batch cannot
 * make the ids collide (docs/comparable-tools.md §2 item 5). Server-side failures are retried; a delete that finally
 * fails is logged with the message id — the message will be delivered again, never lost.
 * {@link #close()} flushes everything pending (docs/comparable-tools.md §2 item 3: acks lost at shutdown).
 */
final class DeleteBatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DeleteBatcher.class);
    private static final int MAX_ATTEMPTS = 5;
    /** Pause between attempts of one batch: 100 ms doubling to 2 s, jittered. */
    private static final BackoffPolicy RETRY = BackoffPolicy.exponential(Duration.ofMillis(100), 2.0, Duration.ofSeconds(2));
    private static final int PARALLEL_CALLS = 8;

    private final SqsClient sqs;
    private final long flushNanos;
    private final WorkerListener listener;
    private final LinkedBlockingQueue<InFlight> incoming = new LinkedBlockingQueue<>();
    private final Semaphore calls = new Semaphore(PARALLEL_CALLS);
    private final Thread flusher;
    private volatile boolean closing;

    public DeleteBatcher(SqsClient sqs, Duration flushInterval, WorkerListener listener) {
        this.sqs = sqs;
        this.flushNanos = flushInterval.toNanos();
        this.listener = listener;
        this.flusher = Thread.ofVirtual().name("pipekit-delete-flusher").unstarted(this::run);
    }

    public void start() {
        flusher.start();
    }

    /** Queues a successfully processed message for deletion. */
    public void delete(InFlight message) {
        if (closing) {
            // after close no flusher is left to batch it: delete now rather than drop the ack
            send(message.queueUrl(), List.of(message));
            return;
        }
        incoming.add(message);
    }

    private void run() {
        Map<String, List<InFlight>> batches = new HashMap<>();
        Map<String, Long> deadlines = new HashMap<>();
        while (!(closing && incoming.isEmpty() && batches.isEmpty())) {
            long now = System.nanoTime();
            long wait = closing ? 0 : deadlines.values().stream().mapToLong(d -> d - now).min().orElse(flushNanos);
            InFlight next;
            try {
                next = incoming.poll(Math.max(0, wait), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                next = null; // close() interrupts to cut the wait short; the loop condition decides
            }
            if (next != null) {
                String queue = next.queueUrl();
                List<InFlight> batch = batches.computeIfAbsent(queue, q -> new ArrayList<>(SqsLimits.MAX_BATCH_ENTRIES));
                if (batch.isEmpty()) {
                    deadlines.put(queue, System.nanoTime() + flushNanos);
                }
                batch.add(next);
                if (batch.size() == SqsLimits.MAX_BATCH_ENTRIES) {
                    dispatch(queue, batches, deadlines);
                }
            }
            long after = System.nanoTime();
            for (Iterator<Map.Entry<String, Long>> it = deadlines.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<String, Long> deadline = it.next();
                if (closing && incoming.isEmpty() || deadline.getValue() - after <= 0) {
                    String queue = deadline.getKey();
                    it.remove();
                    sendAsync(queue, batches.remove(queue));
                }
            }
        }
    }

    private void dispatch(String queue, Map<String, List<InFlight>> batches, Map<String, Long> deadlines) {
        deadlines.remove(queue);
        sendAsync(queue, batches.remove(queue));
    }

    private void sendAsync(String queue, List<InFlight> batch) {
        calls.acquireUninterruptibly();
        Thread.ofVirtual().name("pipekit-delete").start(() -> {
            try {
                send(queue, batch);
            } finally {
                calls.release();
            }
        });
    }

    private void send(String queue, List<InFlight> batch) {
        List<InFlight> todo = batch;
        for (int attempt = 1; !todo.isEmpty(); attempt++) {
            todo = sendOnce(queue, todo, attempt);
            if (!todo.isEmpty()) {
                sleepQuietly(RETRY.delayFor(attempt));
            }
        }
    }

    /** Sends one call; returns what should be tried again. */
    private List<InFlight> sendOnce(String queue, List<InFlight> batch, int attempt) {
        List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            entries.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(i)).receiptHandle(batch.get(i).receiptHandle()).build());
        }
        DeleteMessageBatchResponse response;
        try {
            response = sqs.deleteMessageBatch(b -> b.queueUrl(queue).entries(entries));
        } catch (SdkException e) {
            if (attempt < MAX_ATTEMPTS) {
                log.warn("DeleteMessageBatch of {} messages on {} failed (attempt {}): {}; retrying", batch.size(), queue, attempt, e.toString());
                return batch;
            }
            batch.forEach(m -> giveUp(m, e.toString()));
            return List.of();
        }
        if (!response.successful().isEmpty()) {
            listener.onDeleted(queue, response.successful().size());
        }
        List<InFlight> retry = new ArrayList<>();
        for (BatchResultErrorEntry failed : response.failed()) {
            InFlight message = batch.get(Integer.parseInt(failed.id()));
            String reason = failed.code() + ": " + failed.message();
            if (!Boolean.TRUE.equals(failed.senderFault()) && attempt < MAX_ATTEMPTS) {
                retry.add(message);
            } else {
                giveUp(message, reason);
            }
        }
        return retry;
    }

    private void giveUp(InFlight message, String reason) {
        log.warn("message {} was processed but its delete failed ({}); SQS will deliver it again after its "
                + "visibility timeout", message.message().messageId(), reason);
        listener.onDeleteFailed(message.message(), reason);
    }

    private static void sleepQuietly(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Flushes every pending delete and waits for the calls to finish. */
    @Override
    public void close() {
        closing = true;
        flusher.interrupt();
        try {
            flusher.join();
            // a delete() racing with close() may have landed after the flusher's last look
            for (InFlight late; (late = incoming.poll()) != null; ) {
                send(late.queueUrl(), List.of(late));
            }
            calls.acquire(PARALLEL_CALLS);
            calls.release(PARALLEL_CALLS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
