package io.pipekit.worker.health;

import io.pipekit.worker.WorkerOptions;
import io.pipekit.worker.QueueMessage;
import io.pipekit.worker.WorkerListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Watches every poller for signs of life and keeps per-queue counters, as a {@link WorkerListener}.
 *
 * <p>A healthy poller completes a receive (with or without messages) at least once per long-poll
 * wait. A poller is <em>stalled</em> when its last completed receive is older than
 * {@code stallAfter} — a receive that never returns, a listener or dispatch that blocks the loop,
 * a dead thread, or a receive that keeps failing. The one legitimate silence is back-pressure: a
 * poller that is not receiving because the worker is full is waiting for capacity, reported as
 * {@code saturated} and healthy (docs/comparable-tools.md §2 item 10: listeners that "stop consuming" with no error)
 * — but only while work still completes: a full worker on which nothing has finished for
 * {@code stallAfter} is {@code stuck} (hung handlers), and unhealthy.
 *
 * <p>An operation SQS refuses for good (access denied, queue gone) makes the queue {@code failing},
 * unhealthy, with the reason, until that operation succeeds again.
 *
 * <p>A queue may have several pollers ({@code pollersPerQueue}); each is tracked on its own, keyed by
 * its thread (the callbacks arrive on the poller's thread), so one stuck poller is not hidden by a
 * healthy sibling. A queue is judged by its worst poller.
 */
public final class PollerLiveness implements WorkerListener {

    private final Map<String, QueueState> queues = new LinkedHashMap<>();
    private final long stallAfterNanos;
    private long stuckAfterNanos;
    private final int maxConcurrency;
    private final int receiveBatchSize;
    private volatile boolean stopping;
    private volatile long lastProgress = System.nanoTime();

    private final int pollers;

    public PollerLiveness(List<String> queueUrls, Duration stallAfter, int maxConcurrency, int receiveBatchSize, int pollersPerQueue) {
        long now = System.nanoTime();
        queueUrls.forEach(url -> queues.put(url, new QueueState(now)));
        this.stallAfterNanos = stallAfter.toNanos();
        this.stuckAfterNanos = Duration.ofMinutes(15).plus(stallAfter).toNanos();
        this.maxConcurrency = maxConcurrency;
        this.receiveBatchSize = receiveBatchSize;
        this.pollers = queueUrls.size() * pollersPerQueue;
    }

    /**
     * A full worker is {@code stuck} once nothing completed for the handler timeout plus
     * {@code stallAfter}: by then every handler that was running has either finished or been timed
     * out, so silence means the engine itself is wedged (15 min when the handler timeout is off).
     */
    public PollerLiveness(io.pipekit.worker.WorkerOptions options, Duration stallAfter) {
        this(options, stallAfter, (options.handlerTimeout().isZero() ? Duration.ofMinutes(15) : options.handlerTimeout()).plus(stallAfter));
    }

    /** As above with an explicit {@code stuckAfter}: how long a full worker may complete nothing. */
    public PollerLiveness(io.pipekit.worker.WorkerOptions options, Duration stallAfter, Duration stuckAfter) {
        this(options.queueUrls(), stallAfter, options.maxConcurrency(), options.receiveBatchSize(), options.pollersPerQueue());
        this.stuckAfterNanos = stuckAfter.toNanos();
    }

    /**
     * The default stall threshold: three long polls plus 30 s, enough for a slow network and the
     * poller's own error backoff (at most 20 s), short enough for a container health check.
     */
    public static Duration defaultStallAfter(Duration waitTime) {
        return waitTime.multipliedBy(3).plusSeconds(30);
    }

    /** After shutdown began the pollers stop on purpose: report {@code stopping}, not a stall. */
    public void markStopping() {
        stopping = true;
    }

    public HealthReport report(String protection, String protectedUntil) {
        long now = System.nanoTime();
        int inFlight = queues.values().stream().mapToInt(QueueState::inFlight).sum();
        // capacity is held by running handlers and by succeeded messages until their delete is answered
        int held = inFlight + queues.values().stream().mapToInt(QueueState::pendingDeletes).sum();
        // a full worker's pollers wait for capacity; other pollers' receives hold up to a batch each
        boolean full = held >= maxConcurrency - receiveBatchSize * (pollers - 1);
        List<HealthReport.QueueHealth> entries = new ArrayList<>();
        boolean stalled = false;
        for (Map.Entry<String, QueueState> entry : queues.entrySet()) {
            QueueState q = entry.getValue();
            // the worst poller: the one whose last completed receive is oldest
            // loops a backlog added end when it is drained; only live ones count
            q.pollers.keySet().removeIf(thread -> !thread.isAlive());
            PollerState worst = q.pollers.values().stream().min(java.util.Comparator.comparingLong(p -> p.lastAlive))
                    .orElse(null);
            long since = now - (worst == null ? q.created : worst.lastAlive);
            boolean receiving = worst != null && worst.receiveStarted != 0;
            String status;
            boolean progressing = now - lastProgress <= stuckAfterNanos;
            String permanent = q.permanentError;
            if (permanent != null) {
                status = "failing";
                stalled = true;
            } else if (since <= stallAfterNanos) {
                status = "ok";
            } else if (!receiving && full && progressing) {
                status = "saturated";
            } else if (!receiving && full) {
                status = "stuck";
                stalled = true;
            } else {
                status = "stalled";
                stalled = true;
            }
            String url = entry.getKey();
            entries.add(new HealthReport.QueueHealth(WorkerOptions.queueName(url), status,
                    Duration.ofNanos(since).toMillis(), receiving, q.inFlight(), q.received.sum(), q.processed.sum(),
                    q.failed.sum(), q.released.sum(), q.deleted.sum(), q.deleteFailed.sum(), q.leaseLost.sum(),
                    q.receiveErrors.sum(), permanent != null ? permanent : q.lastError));
        }
        String status = stopping ? "stopping" : stalled ? "stalled" : "ok";
        return new HealthReport(status, inFlight, maxConcurrency, protection, protectedUntil, List.copyOf(entries));
    }

    private QueueState of(String queueUrl) {
        return queues.get(queueUrl);
    }

    /** The calling poller's state: receive callbacks run on the poller's own thread. */
    private PollerState poller(QueueState q) {
        return q.pollers.computeIfAbsent(Thread.currentThread(), t -> new PollerState(q.created));
    }

    @Override
    public void beforeReceive(String queueUrl) {
        QueueState q = of(queueUrl);
        if (q != null) {
            poller(q).receiveStarted = System.nanoTime();
        }
    }

    @Override
    public void onReceive(String queueUrl, int messages) {
        QueueState q = of(queueUrl);
        if (q != null) {
            PollerState p = poller(q);
            p.lastAlive = System.nanoTime();
            p.receiveStarted = 0;
            q.received.add(messages);
            q.clearPermanent("ReceiveMessage");
        }
    }

    @Override
    public void onReceiveLoopEnded(String queueUrl, Thread thread) {
        QueueState q = of(queueUrl);
        if (q != null) {
            q.pollers.remove(thread); // a thread that no longer receives must not read as a stalled poller
        }
    }

    @Override
    public void onReceiveError(String queueUrl, Throwable error) {
        QueueState q = of(queueUrl);
        if (q != null) {
            // an error is an answer, but not a sign of health: lastAlive stays where it was
            poller(q).receiveStarted = 0;
            q.receiveErrors.increment();
            q.lastError = error.getClass().getSimpleName() + ": " + error.getMessage();
        }
    }

    @Override
    public void onSuccess(QueueMessage message, Duration handlerTime) {
        progress();
        count(message, q -> q.processed);
    }

    @Override
    public void onPermanentError(String queueUrl, String operation, String reason) {
        QueueState q = of(queueUrl);
        if (q != null) {
            q.permanentOperation = operation;
            q.permanentError = operation + " refused: " + reason;
        }
    }

    @Override
    public void onVisibilityExtended(QueueMessage message, Duration timeout) {
        QueueState q = of(message.queueUrl());
        if (q != null) {
            q.clearPermanent("ChangeMessageVisibility");
        }
    }

    private void progress() {
        lastProgress = System.nanoTime();
    }

    @Override
    public void onFailure(QueueMessage message, Throwable cause, Duration retryDelay) {
        progress();
        count(message, q -> q.failed);
    }

    @Override
    public void onReleased(QueueMessage message) {
        progress();
        count(message, q -> q.released);
    }

    @Override
    public void onDeleted(String queueUrl, int messages) {
        QueueState q = of(queueUrl);
        if (q != null) {
            q.deleted.add(messages);
            q.clearPermanent("DeleteMessage");
        }
    }

    @Override
    public void onDeleteFailed(QueueMessage message, String reason) {
        count(message, q -> q.deleteFailed);
    }

    @Override
    public void onLeaseLost(QueueMessage message, String reason) {
        count(message, q -> q.leaseLost);
    }

    private void count(QueueMessage message, java.util.function.Function<QueueState, LongAdder> counter) {
        QueueState q = of(message.queueUrl());
        if (q != null) {
            counter.apply(q).increment();
        }
    }

    private static final class PollerState {
        volatile long lastAlive;
        volatile long receiveStarted;

        PollerState(long created) {
            this.lastAlive = created;
        }
    }

    private static final class QueueState {
        final long created;
        final Map<Thread, PollerState> pollers = new java.util.concurrent.ConcurrentHashMap<>();
        volatile String lastError;
        volatile String permanentError;
        volatile String permanentOperation;

        void clearPermanent(String operation) {
            if (operation.equals(permanentOperation)) {
                permanentError = null;
                permanentOperation = null;
            }
        }
        final LongAdder received = new LongAdder();
        final LongAdder processed = new LongAdder();
        final LongAdder failed = new LongAdder();
        final LongAdder released = new LongAdder();
        final LongAdder deleted = new LongAdder();
        final LongAdder deleteFailed = new LongAdder();
        final LongAdder leaseLost = new LongAdder();
        final LongAdder receiveErrors = new LongAdder();

        QueueState(long now) {
            this.created = now;
        }

        /** Every received message is settled exactly once: processed, failed or released. */
        int inFlight() {
            return (int) Math.max(0, received.sum() - processed.sum() - failed.sum() - released.sum());
        }

        /** Every processed message's delete ends once: acknowledged or given up. Until then it holds capacity. */
        int pendingDeletes() {
            return (int) Math.max(0, processed.sum() - deleted.sum() - deleteFailed.sum());
        }
    }
}
