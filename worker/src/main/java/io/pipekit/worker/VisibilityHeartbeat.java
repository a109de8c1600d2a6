package io.pipekit.worker;

import io.pipekit.worker.WorkerListener;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the messages this worker holds invisible while their handlers run: on every tick it
 * collects the messages whose lease is nearly used up and extends them in
 * {@code ChangeMessageVisibilityBatch} calls. A handler may therefore run far beyond the
 * visibility timeout without SQS delivering the message a second time.
 *
 * <p>A receipt SQS no longer knows ("receipt handle invalid", "not in flight") is reported and no
 * longer extended — the handler goes on; its delete will fail harmlessly and the duplicate is the
 * at-least-once cost. Failed calls are retried on the next tick.
 */
final class VisibilityHeartbeat implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(VisibilityHeartbeat.class);

    private final InFlightRegistry registry;
    private final VisibilityChanges changes;
    private final HeartbeatSchedule schedule;
    private final WorkerListener listener;
    private final Clock clock;
    private final ScheduledExecutorService timer;

    public VisibilityHeartbeat(InFlightRegistry registry, VisibilityChanges changes, HeartbeatSchedule schedule,
                               WorkerListener listener, Clock clock) {
        this.registry = registry;
        this.changes = changes;
        this.schedule = schedule;
        this.listener = listener;
        this.clock = clock;
        this.timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("pipekit-heartbeat").factory());
    }

    public void start() {
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

    /** One pass: extend every due message. Sends happen off the timer thread. */
    void tick() {
        Instant now = clock.instant();
        long nowNanos = System.nanoTime();
        List<VisibilityChange> due = new ArrayList<>();
        for (InFlight message : registry.snapshot()) {
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
                        message.message().messageId(), sinceReceive, message.visibleUntil());
                continue;
            }
            due.add(new VisibilityChange(message, extension.get()));
        }
        if (!due.isEmpty()) {
            Thread.ofVirtual().name("pipekit-heartbeat-send").start(() -> send(due));
        }
    }

    private void send(List<VisibilityChange> due) {
        Instant sentAt = clock.instant();
        try {
            for (VisibilityChange.Result result : changes.send(due)) {
                switch (result) {
                    case VisibilityChange.Changed(VisibilityChange change) -> {
                        change.message().visibleUntil(sentAt.plus(change.timeout()));
                        listener.onVisibilityExtended(change.message().message(), change.timeout());
                    }
                    case VisibilityChange.Rejected(VisibilityChange change, String code, String reason, boolean gone) -> {
                        if (gone) {
                            change.message().markAtCeiling();
                            listener.onLeaseLost(change.message().message(), code);
                            log.warn("cannot extend visibility of message {}: {} ({}); SQS may deliver it again",
                                    change.message().message().messageId(), code, reason);
                        } else {
                            log.warn("visibility extension of message {} refused: {} ({}); retrying",
                                    change.message().message().messageId(), code, reason);
                        }
                    }
                    case VisibilityChange.NotSent(VisibilityChange change, Throwable error) ->
                            log.warn("visibility extension of message {} not sent: {}; retrying",
                                    change.message().message().messageId(), error.toString());
                }
            }
        } finally {
            due.forEach(change -> change.message().endExtension());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
