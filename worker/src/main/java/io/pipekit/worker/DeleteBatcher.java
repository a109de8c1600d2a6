package io.pipekit.worker;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResultEntry;

/**
 * Deletes processed messages in {@code DeleteMessageBatch} calls: a queue's batch goes out when it
 * holds 10 messages or when its oldest has waited the flush interval (0 = as soon as the flusher
 * sees it, together with whatever else is waiting). Only messages whose handler already returned
 * ever get here, and each stays held — capacity and heartbeat — until its delete is answered, when
 * {@code done} gives it back.
 *
 * <p>Every entry's result is inspected (a batch call answers 200 with per-entry failures,
 * docs/aws-behaviour.md §9); entry ids are positional, so a message redelivered within one batch cannot
 * make the ids collide (docs/comparable-tools.md §2 item 5). Server-side failures and throttling are
 * retried with backoff; a delete that finally fails is logged with the message id — the message will
 * be delivered again, never lost. A delete SQS accepted for a receipt whose lease had already lapsed
 * is not counted as deleted: SQS answers success for a stale receipt without necessarily deleting
 * (docs/aws-behaviour.md §9), so it is reported as a failed delete. {@link #close()} flushes
 * everything pending (docs/comparable-tools.md §2 item 3: acks lost at shutdown).
 */
final class DeleteBatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DeleteBatcher.class);
    private static final int MAX_ATTEMPTS = 5;
    /** Pause between attempts of one batch: 100 ms doubling to 2 s, jittered. */
    private static final BackoffPolicy RETRY = BackoffPolicy.exponential(Duration.ofMillis(100), 2.0, Duration.ofSeconds(2));

    private final SqsClient sqs;
    private final long flushNanos;
    private final Duration callTimeout;
    private final WorkerListener listener;
    private final Consumer<InFlight> done;
    private final Clock clock;
    private final int parallelCalls;
    private final Semaphore calls;
    /** Runs the calls; {@link #calls} bounds how many at once, so the pool never grows past that. */
    private final ExecutorService senders;
    private final Thread flusher;
    /**
     * Guards the open batches. A finished handler adds its message itself and, when that fills the
     * batch, sends it; the flusher only wakes for the flush deadlines. Handing every message to the
     * flusher instead woke it once per message (docs/worker-engine.md, "Waking only who can proceed").
     */
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final Map<String, List<InFlight>> batches = new HashMap<>();
    private final Map<String, Long> deadlines = new HashMap<>();
    /** The flusher waits with no deadline ahead: a batch that opens must wake it. */
    private boolean flusherIdle;
    private boolean flusherDone;
    private boolean closing;
    private boolean urgent;

    /**
     * @param maxPending most messages that can be waiting for a delete at once (the worker's
     *                   capacity): enough calls may run in parallel for all of them to be in the air
     */
    DeleteBatcher(SqsClient sqs, Duration flushInterval, Duration callTimeout, int maxPending, WorkerListener listener,
                  Consumer<InFlight> done, Clock clock) {
        this.sqs = sqs;
        this.flushNanos = flushInterval.toNanos();
        this.callTimeout = callTimeout;
        this.listener = listener;
        this.done = done;
        this.clock = clock;
        this.parallelCalls = Math.max(1, (maxPending + SqsLimits.MAX_BATCH_ENTRIES - 1) / SqsLimits.MAX_BATCH_ENTRIES);
        this.calls = new Semaphore(parallelCalls);
        this.flusher = Thread.ofVirtual().name("pipekit-delete-flusher").unstarted(this::run);
        // platform threads: a call blocks in a socket read, and a virtual thread pays an unmount and a
        // remount of the SDK's deep stack per call (docs/worker-engine.md, "Threads")
        this.senders = Executors.newCachedThreadPool(Thread.ofPlatform().daemon().name("pipekit-delete-", 0).factory());
    }

    void start() {
        flusher.start();
    }

    /** The flusher's state: {@code WAITING} while it sleeps for work (tests check it never spins). */
    Thread.State flusherState() {
        return flusher.getState();
    }

    /** Queues a successfully processed message for deletion; sends its batch if this fills it. */
    void delete(InFlight message) {
        String queue = message.queueUrl();
        boolean late = false;
        List<InFlight> full = null;
        lock.lock();
        try {
            if (flusherDone) {
                late = true;
            } else {
                List<InFlight> batch = batches.computeIfAbsent(queue, q -> new ArrayList<>(SqsLimits.MAX_BATCH_ENTRIES));
                batch.add(message);
                if (batch.size() == SqsLimits.MAX_BATCH_ENTRIES) {
                    full = batches.remove(queue);
                    deadlines.remove(queue);
                } else if (batch.size() == 1) {
                    deadlines.put(queue, System.nanoTime() + flushNanos);
                    if (flusherIdle || flushNanos == 0 || urgent || closing) {
                        work.signal();
                    }
                }
            }
        } finally {
            lock.unlock();
        }
        if (late) {
            send(queue, List.of(message)); // after close no flusher is left to batch it: delete now rather than drop the ack
        } else if (full != null) {
            sendAsync(queue, full);
        }
    }

    /** Deletes one batch (at most 10) at once on the calling thread, retries included. */
    void deleteNow(String queue, List<InFlight> batch) {
        send(queue, batch);
    }

    private void run() {
        List<Map.Entry<String, List<InFlight>>> due = new ArrayList<>();
        lock.lock();
        try {
            while (true) {
                long now = System.nanoTime();
                long wait = Long.MAX_VALUE;
                for (Iterator<Map.Entry<String, Long>> it = deadlines.entrySet().iterator(); it.hasNext(); ) {
                    Map.Entry<String, Long> deadline = it.next();
                    long left = deadline.getValue() - now;
                    if (closing || urgent || left <= 0) {
                        it.remove();
                        due.add(Map.entry(deadline.getKey(), batches.remove(deadline.getKey())));
                    } else {
                        wait = Math.min(wait, left);
                    }
                }
                if (!due.isEmpty()) {
                    lock.unlock();
                    try {
                        due.forEach(batch -> sendAsync(batch.getKey(), batch.getValue()));
                    } finally {
                        due.clear();
                        lock.lock();
                    }
                    continue;
                }
                if (closing) {
                    flusherDone = true;
                    return;
                }
                try {
                    if (wait == Long.MAX_VALUE) {
                        flusherIdle = true;
                        work.await(); // nothing pending: sleep until a batch opens (never spin)
                    } else {
                        work.awaitNanos(wait);
                    }
                } catch (InterruptedException e) {
                    // nobody interrupts the flusher on purpose; the loop re-reads the state
                } finally {
                    flusherIdle = false;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private void sendAsync(String queue, List<InFlight> batch) {
        calls.acquireUninterruptibly();
        try {
            senders.execute(() -> {
                try {
                    send(queue, batch);
                } finally {
                    calls.release();
                }
            });
        } catch (RejectedExecutionException e) {
            // a batch filled as close() shut the pool down: send it here rather than drop the acks
            calls.release();
            send(queue, batch);
        }
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

    /** Sends one call; returns what should be tried again. Every other message of the batch is done. */
    List<InFlight> sendOnce(String queue, List<InFlight> batch, int attempt) {
        List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            entries.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(i)).receiptHandle(batch.get(i).receiptHandle()).build());
        }
        Instant sentAt = clock.instant();
        DeleteMessageBatchResponse response;
        try {
            response = sqs.deleteMessageBatch(b -> b.queueUrl(queue).entries(entries)
                    .overrideConfiguration(o -> o.apiCallTimeout(callTimeout)));
        } catch (SdkException e) {
            boolean permanent = SqsErrors.isPermanent(e);
            if (permanent) {
                permanent(queue, SqsErrors.describe(e));
            }
            if (!permanent && attempt < MAX_ATTEMPTS) {
                log.warn("DeleteMessageBatch of {} messages on {} failed (attempt {}): {}; retrying", batch.size(),
                        WorkerOptions.queueName(queue), attempt, e.toString());
                return batch;
            }
            batch.forEach(m -> giveUp(m, SqsErrors.describe(e)));
            return List.of();
        }
        int deleted = 0;
        for (DeleteMessageBatchResultEntry ok : response.successful()) {
            InFlight message = batch.get(Integer.parseInt(ok.id()));
            if (message.leaseLost() || sentAt.isAfter(message.visibleUntil())) {
                // success for a stale receipt proves nothing: the message may still be (or again be) on the queue
                giveUp(message, "lease lapsed before the delete (stale receipt)");
            } else {
                deleted++;
                done.accept(message);
            }
        }
        if (deleted > 0) {
            listener.onDeleted(queue, deleted);
        }
        List<InFlight> retry = new ArrayList<>();
        boolean[] answered = new boolean[batch.size()];
        response.successful().forEach(ok -> answered[Integer.parseInt(ok.id())] = true);
        for (BatchResultErrorEntry failed : response.failed()) {
            int i = Integer.parseInt(failed.id());
            answered[i] = true;
            InFlight message = batch.get(i);
            String reason = failed.code() + ": " + failed.message();
            if (SqsErrors.isPermanentCode(failed.code())) {
                permanent(queue, reason);
                giveUp(message, reason);
            } else if (!Boolean.TRUE.equals(failed.senderFault()) && attempt < MAX_ATTEMPTS) {
                retry.add(message);
            } else {
                giveUp(message, reason);
            }
        }
        for (int i = 0; i < answered.length; i++) {
            if (!answered[i]) { // SQS must answer every entry; silence is retried like a server fault
                if (attempt < MAX_ATTEMPTS) {
                    retry.add(batch.get(i));
                } else {
                    giveUp(batch.get(i), "no result for the entry");
                }
            }
        }
        return retry;
    }

    private void giveUp(InFlight message, String reason) {
        log.warn("message {} was processed but its delete failed ({}); SQS will deliver it again after its "
                + "visibility timeout", message.messageId(), reason);
        listener.onDeleteFailed(message.message(), reason);
        done.accept(message);
    }

    private void permanent(String queue, String reason) {
        log.error("DeleteMessageBatch on {} is refused ({}): processed messages cannot be deleted and will be delivered "
                + "again. Grant the task role sqs:DeleteMessage on the queue", WorkerOptions.queueName(queue), reason);
        listener.onPermanentError(queue, "DeleteMessage", reason);
    }

    private static void sleepQuietly(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** From now on sends every delete at once, without waiting for a batch to fill (shutdown has begun). */
    void flushNow() {
        lock.lock();
        try {
            urgent = true;
            work.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Flushes every pending delete and waits for the calls to finish. */
    @Override
    public void close() {
        lock.lock();
        try {
            closing = true;
            work.signal();
        } finally {
            lock.unlock();
        }
        try {
            flusher.join();
            calls.acquire(parallelCalls);
            calls.release(parallelCalls);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            senders.shutdown(); // threads still sending finish their call; idle ones end now
        }
    }
}
