package io.pipekit.worker;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
 *
 * <p>A call that has not answered within the call timeout is not waited for: its batch is sent
 * again and the late answer, if one comes, is ignored (docs/worker-engine.md, "A delete that does not
 * answer"). One watch thread does this for every call, instead of a per-call SDK timeout, whose timer
 * costs each of a thousand calls a second a schedule, a cancel and a wake-up.
 */
final class DeleteBatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DeleteBatcher.class);
    private static final int MAX_ATTEMPTS = 5;
    /** Pause between attempts of one batch: 100 ms doubling to 2 s, jittered. */
    private static final BackoffPolicy RETRY = BackoffPolicy.exponential(Duration.ofMillis(100), 2.0, Duration.ofSeconds(2));
    /** How often the watch looks for overdue calls: an unanswered call is sent again within its timeout plus this. */
    static final long WATCH_TICK_MILLIS = 100;

    private final SqsClient sqs;
    private final long flushNanos;
    private final Duration callTimeout;
    private final long callTimeoutNanos;
    private final WorkerListener listener;
    private final Consumer<InFlight> done;
    private final Clock clock;
    private final Semaphore calls;
    /**
     * Runs the calls; {@link #calls} bounds how many at once, so the pool grows past that only by the
     * calls the watch sent again while an unanswered one still holds its thread.
     */
    private final ExecutorService senders;
    private final Thread flusher;
    /** Calls in the air, for the watch; each is settled by exactly one side (see {@link Call}). */
    private final Set<Call> inTheAir = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService watch;
    /** Messages handed in and not yet deleted or given up: {@link #close()} waits for none. */
    private final AtomicInteger unsettled = new AtomicInteger();
    private final Object settledSignal = new Object();
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
        this.callTimeoutNanos = callTimeout.toNanos();
        this.listener = listener;
        this.done = done;
        this.clock = clock;
        this.calls = new Semaphore(Math.max(1, (maxPending + SqsLimits.MAX_BATCH_ENTRIES - 1) / SqsLimits.MAX_BATCH_ENTRIES));
        this.flusher = Thread.ofVirtual().name("pipekit-delete-flusher").unstarted(this::run);
        // platform threads: a call blocks in a socket read, and a virtual thread pays an unmount and a
        // remount of the SDK's deep stack per call (docs/worker-engine.md, "Threads")
        this.senders = Executors.newCachedThreadPool(Thread.ofPlatform().daemon().name("pipekit-delete-", 0).factory());
        this.watch = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("pipekit-delete-watch").factory());
    }

    void start() {
        flusher.start();
        watch.scheduleWithFixedDelay(this::resendOverdue, WATCH_TICK_MILLIS, WATCH_TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** The flusher's state: {@code WAITING} while it sleeps for work (tests check it never spins). */
    Thread.State flusherState() {
        return flusher.getState();
    }

    /** Queues a successfully processed message for deletion; sends its batch if this fills it. */
    void delete(InFlight message) {
        unsettled.incrementAndGet();
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
        unsettled.addAndGet(batch.size());
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
        send(queue, batch, 1);
    }

    private void send(String queue, List<InFlight> batch, int firstAttempt) {
        List<InFlight> todo = batch;
        for (int attempt = firstAttempt; !todo.isEmpty(); attempt++) {
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
        Call call = new Call(queue, batch, attempt, System.nanoTime() + callTimeoutNanos);
        inTheAir.add(call);
        DeleteMessageBatchResponse response;
        try {
            response = sqs.deleteMessageBatch(b -> b.queueUrl(queue).entries(entries));
        } catch (RuntimeException e) { // an SdkException, or anything else the client throws: retried alike
            if (!call.answered()) {
                return List.of(); // the watch has sent the batch again: that attempt decides
            }
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
        if (!call.answered()) {
            return List.of(); // answered after the watch sent the batch again: that attempt decides
        }
        int deleted = 0;
        for (DeleteMessageBatchResultEntry ok : response.successful()) {
            InFlight message = batch.get(Integer.parseInt(ok.id()));
            if (message.leaseLost() || sentAt.isAfter(message.visibleUntil())) {
                // success for a stale receipt proves nothing: the message may still be (or again be) on the queue
                giveUp(message, "lease lapsed before the delete (stale receipt)");
            } else {
                deleted++;
                settle(message);
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
        settle(message);
    }

    private void settle(InFlight message) {
        done.accept(message);
        if (unsettled.decrementAndGet() == 0) {
            synchronized (settledSignal) {
                settledSignal.notifyAll();
            }
        }
    }

    /**
     * On the watch thread: a call past its timeout is given up on, not abandoned — its batch goes out
     * again on a sender thread (the unanswered call keeps its connection until the client's socket
     * timeout; whatever it answers then is ignored), or after the last attempt its messages are given
     * up and will be delivered again.
     */
    private void resendOverdue() {
        try {
            resendOverdue(System.nanoTime());
        } catch (RuntimeException e) { // the watch must outlive anything a listener throws
            log.error("the delete watch failed a round; it goes on", e);
        }
    }

    private void resendOverdue(long now) {
        for (Call call : inTheAir) {
            if (now - call.deadline >= 0 && call.answered()) {
                if (call.attempt < MAX_ATTEMPTS) {
                    log.warn("DeleteMessageBatch of {} messages on {} has not answered in {} ms (attempt {}); sending it again",
                            call.batch.size(), WorkerOptions.queueName(call.queue), callTimeout.toMillis(), call.attempt);
                    try {
                        senders.execute(() -> send(call.queue, call.batch, call.attempt + 1));
                        continue;
                    } catch (RejectedExecutionException e) {
                        // closed: nothing is left to send it, so the messages go back as given up, below
                    }
                }
                String reason = "no answer within " + callTimeout.toMillis() + " ms, attempt " + call.attempt;
                call.batch.forEach(m -> giveUp(m, reason));
            }
        }
    }

    /**
     * One attempt at deleting a batch. It is settled by whichever comes first: its answer (or error),
     * or the watch finding it overdue. {@link #answered()} is true for that one side only, so each
     * message is settled once even when a late answer arrives after the batch was sent again.
     */
    private final class Call {
        final String queue;
        final List<InFlight> batch;
        final int attempt;
        final long deadline;
        private final AtomicBoolean taken = new AtomicBoolean();

        Call(String queue, List<InFlight> batch, int attempt, long deadline) {
            this.queue = queue;
            this.batch = batch;
            this.attempt = attempt;
            this.deadline = deadline;
        }

        boolean answered() {
            inTheAir.remove(this);
            return taken.compareAndSet(false, true);
        }
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

    /**
     * Flushes every pending delete and waits until each message handed in is deleted or given up
     * (within MAX_ATTEMPTS call timeouts; a call that never answers does not hold this up).
     */
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
            synchronized (settledSignal) {
                while (unsettled.get() > 0) {
                    settledSignal.wait();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            watch.shutdownNow();
            senders.shutdown(); // threads still sending finish their call; idle ones end now
        }
    }
}
