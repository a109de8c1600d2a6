package io.pipekit.worker;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the messages this worker holds invisible while their handlers run and their deletes are on
 * their way: on every tick it collects the messages whose lease is nearly used up and extends them
 * in {@code ChangeMessageVisibilityBatch} calls. A handler may therefore run far beyond the
 * visibility timeout without SQS delivering the message a second time.
 *
 * <p>Every batch is its own call on its own virtual thread and unlocks only its own messages when it
 * is done: one stalled call delays nobody else's extension, nor the deletes of messages in other
 * batches. A call that does not answer within the call timeout is hedged by another beside it; an
 * entry that failed is sent again while its lease still has room, and otherwise on a later tick.
 *
 * <p>Each tick also notices leases that lapsed (the heartbeat could not extend them in time): the
 * message id is logged and {@link WorkerListener#onLeaseLost} fires — SQS may deliver the message
 * to another consumer. A receipt SQS no longer knows is reported the same way. And it enforces the
 * handler timeout: a handler running longer is interrupted and its message retried after the backoff.
 */
final class VisibilityHeartbeat implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(VisibilityHeartbeat.class);

    /** Calls of one batch that may be on their way at once: the first plus two hedges. */
    static final int MAX_CALLS_IN_FLIGHT = 3;

    private final InFlightRegistry registry;
    private final VisibilityChanges changes;
    private final HeartbeatSchedule schedule;
    private final MessageSettler settler;
    private final Duration handlerTimeout;
    private final WorkerListener listener;
    private final Clock clock;
    private final ScheduledExecutorService timer;

    /** @param handlerTimeout longest a handler may run; zero = no limit */
    VisibilityHeartbeat(InFlightRegistry registry, VisibilityChanges changes, HeartbeatSchedule schedule,
                        MessageSettler settler, Duration handlerTimeout, WorkerListener listener, Clock clock) {
        this.registry = registry;
        this.changes = changes;
        this.schedule = schedule;
        this.settler = settler;
        this.handlerTimeout = handlerTimeout;
        this.listener = listener;
        this.clock = clock;
        this.timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("pipekit-heartbeat").factory());
    }

    void start() {
        long every = schedule.tickInterval().toMillis();
        timer.scheduleWithFixedDelay(this::tickSafely, every, every, TimeUnit.MILLISECONDS);
    }

    private void tickSafely() {
        try {
            tick();
        } catch (RuntimeException e) {
            log.error("visibility heartbeat tick failed; retrying on the next tick", e);
        }
    }

    /** One pass: time out overrunning handlers, notice lapsed leases, extend every due message. */
    void tick() {
        Instant now = clock.instant();
        long nowNanos = System.nanoTime();
        List<VisibilityChange> due = new ArrayList<>();
        for (InFlight message : registry.snapshot()) {
            if (message.isDone()) {
                continue;
            }
            if (!handlerTimeout.isZero() && message.isActive() && message.handlerRunningNanos(nowNanos) > handlerTimeout.toNanos()) {
                Thread.ofVirtual().name("pipekit-handler-timeout").start(() -> settler.timedOut(message, handlerTimeout));
                continue;
            }
            if (!message.leaseLost() && now.isAfter(message.visibleUntil())) {
                leaseLost(message, "lease lapsed at " + message.visibleUntil());
                continue;
            }
            if (message.atCeiling() || !schedule.isDue(message.visibleUntil(), now) || !message.beginExtension()) {
                continue;
            }
            Duration sinceReceive = Duration.ofNanos(nowNanos - message.receivedNanos());
            Optional<Duration> extension = schedule.extension(sinceReceive, Duration.between(now, message.visibleUntil()));
            if (extension.isEmpty()) {
                message.markAtCeiling();
                message.endExtension();
                log.warn("message {} has been in flight {} and reached the 12 h SQS visibility ceiling; "
                        + "it becomes visible again at {} even if its handler is still running",
                        message.messageId(), sinceReceive, message.visibleUntil());
                continue;
            }
            due.add(new VisibilityChange(message, extension.get()));
        }
        for (List<VisibilityChange> batch : VisibilityChanges.batches(due)) {
            Thread.ofVirtual().name("pipekit-heartbeat-send").start(() -> send(batch));
        }
    }

    /**
     * Sends one batch until every entry is extended or settled, or its lease has no room left for
     * another call. A call that has not answered within the call timeout is not abandoned but
     * <em>hedged</em>: a second call for the entries still open goes out beside it (at most
     * {@value #MAX_CALLS_IN_FLIGHT} at once), and whichever answers first counts. Setting a visibility
     * timeout is safe to repeat — a late call only lengthens the lease it lands on — and a stalled
     * call that might still answer in time is worth more than one cut off (docs/worker-engine.md, "Heartbeat calls in parallel, hedged").
     */
    private void send(List<VisibilityChange> batch) {
        Set<VisibilityChange> open = ConcurrentHashMap.newKeySet();
        open.addAll(batch);
        BlockingQueue<Boolean> answered = new LinkedBlockingQueue<>();
        int inFlight = 0;
        boolean first = true;
        try {
            while (true) {
                // the first call always goes, however little of the lease is left; a hedge only while it still runs
                Instant now = clock.instant();
                boolean hedge = !first;
                List<VisibilityChange> todo = batch.stream()
                        .filter(c -> open.contains(c) && !c.message().isDone() && (!hedge || now.isBefore(c.message().visibleUntil())))
                        .toList();
                first = false;
                if (todo.isEmpty()) {
                    return;
                }
                if (inFlight < MAX_CALLS_IN_FLIGHT) {
                    inFlight++;
                    Duration budget = budgetFor(todo);
                    Thread.ofVirtual().name("pipekit-heartbeat-call").start(() -> {
                        try {
                            sendOnce(todo, budget).forEach(open::remove);
                        } finally {
                            answered.add(Boolean.TRUE);
                        }
                    });
                }
                if (answered.poll(changes.callTimeout().toMillis(), TimeUnit.MILLISECONDS) != null) {
                    inFlight--;
                    while (answered.poll() != null) {
                        inFlight--;
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            batch.forEach(change -> change.message().endExtension());
        }
    }

    /** A call may take as long as the shortest lease it extends still runs, and at least the call timeout. */
    private Duration budgetFor(List<VisibilityChange> todo) {
        Instant now = clock.instant();
        Duration shortest = todo.stream().map(c -> Duration.between(now, c.message().visibleUntil()))
                .min(Duration::compareTo).orElse(Duration.ZERO);
        return shortest.compareTo(changes.callTimeout()) > 0 ? shortest : changes.callTimeout();
    }

    /**
     * One call; returns the changes it is done with — extended, or answered with a refusal (a
     * transient one is tried again on a later tick). The rest got no answer and are worth sending again now.
     */
    private List<VisibilityChange> sendOnce(List<VisibilityChange> batch, Duration budget) {
        Instant sentAt = clock.instant();
        List<VisibilityChange> settled = new ArrayList<>();
        for (VisibilityChange.Result result : changes.sendBatch(batch, budget)) {
            switch (result) {
                case VisibilityChange.Changed(VisibilityChange change) -> {
                    settled.add(change);
                    if (change.message().extendTo(sentAt.plus(change.timeout()))) {
                        listener.onVisibilityExtended(change.message().message(), change.timeout());
                    }
                }
                case VisibilityChange.Rejected(VisibilityChange change, String code, String reason, boolean gone) -> {
                    if (gone) {
                        settled.add(change);
                        if (change.message().isDeleting()) {
                            // its delete may just have landed, which makes the receipt unknown too: the delete's
                            // own answer decides (a stale receipt there is reported as a failed delete)
                            change.message().markAtCeiling();
                        } else if (!change.message().isDone()) {
                            leaseLost(change.message(), code + " (" + reason + ")");
                        }
                    } else if (SqsErrors.isPermanentCode(code)) {
                        settled.add(change);
                        change.message().markAtCeiling();
                        permanent(change.message(), code + ": " + reason);
                    } else {
                        settled.add(change); // SQS answered this entry: a later tick tries it again, not a hot loop now
                        log.warn("visibility extension of message {} refused: {} ({}); retrying on the next tick",
                                change.message().messageId(), code, reason);
                    }
                }
                case VisibilityChange.NotSent(VisibilityChange change, Throwable error) -> {
                    if (SqsErrors.isPermanent(error)) {
                        settled.add(change);
                        permanent(change.message(), SqsErrors.describe(error));
                    } else {
                        log.warn("visibility extension of message {} not answered yet: {}; sending it again",
                                change.message().messageId(), error.toString());
                    }
                }
            }
        }
        return settled;
    }

    private void leaseLost(InFlight message, String reason) {
        if (message.markLeaseLost()) {
            log.warn("lease lost for message {} on {}: {}; SQS may deliver it again (another consumer may already have it)",
                    message.messageId(), WorkerOptions.queueName(message.queueUrl()), reason);
            listener.onLeaseLost(message.message(), reason);
        }
    }

    private void permanent(InFlight message, String reason) {
        log.error("ChangeMessageVisibility on {} is refused ({}); message {} cannot be kept invisible. "
                + "Grant the task role sqs:ChangeMessageVisibility on the queue", WorkerOptions.queueName(message.queueUrl()),
                reason, message.messageId());
        listener.onPermanentError(message.queueUrl(), "ChangeMessageVisibility", reason);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
