package io.pipekit.worker.sqsd;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * Periodic tasks: at each tick of a task's schedule, <em>send a message</em> to the queue rather than
 * call the app, so exactly one worker — whichever receives it — runs the task, with the queue's
 * retries and dead-letter queue behind it, as Elastic Beanstalk does.
 *
 * <p>Every replica runs a scheduler, so every replica sends for the same tick. On a FIFO queue the
 * sends collapse: the deduplication id is a hash of task name and scheduled time, identical on every
 * replica, and SQS drops repeats within its 5-minute window (docs/aws-behaviour.md §9); the group id is the
 * task name, so runs of one task never overlap. On a standard queue nothing can collapse them: run
 * the schedule on one replica, or make the task idempotent (docs/sqsd.md).
 *
 * <p>A tick whose send fails is retried on the next pass; ticks missed while the process was not
 * running are not caught up (cron semantics), and after a long stall only the latest missed tick of
 * each task is sent, never a burst.
 */
final class TaskScheduler implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TaskScheduler.class);
    private static final Duration LONGEST_SLEEP = Duration.ofSeconds(30);
    private static final Duration RETRY_SLEEP = Duration.ofSeconds(5);

    private final SqsClient sqs;
    private final String queueUrl;
    private final boolean fifo;
    private final Clock clock;
    /** Per task: the last tick that was sent (or the start time). Touched by the scheduling thread only. */
    private final Map<CronTask, Instant> sentUpTo = new LinkedHashMap<>();
    private volatile Thread thread;
    private volatile boolean stopped;

    TaskScheduler(SqsClient sqs, String queueUrl, List<CronTask> tasks, Clock clock) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.fifo = queueUrl.endsWith(".fifo");
        this.clock = clock;
        Instant start = clock.instant();
        for (CronTask task : tasks) {
            sentUpTo.put(task, start);
        }
    }

    /** Runs {@link #sendDue()} on a virtual thread until {@link #close()}. */
    TaskScheduler start() {
        if (!fifo) {
            log.warn("periodic tasks go to standard queue {}: every replica running this scheduler sends each tick, "
                    + "so a task runs once per replica; use a FIFO queue (PIPEKIT_SQSD_CRON_QUEUE_URL) to run it once", queueUrl);
        }
        thread = Thread.ofVirtual().name("pipekit-sqsd-cron").start(this::loop);
        return this;
    }

    private void loop() {
        while (!stopped) {
            boolean allSent = sendDue();
            Duration sleep = allSent ? untilNextTick() : RETRY_SLEEP;
            try {
                Thread.sleep(sleep.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * Sends one message for each task whose schedule ticked since its last sent tick, up to the clock's
     * now. Returns whether every due send succeeded.
     */
    synchronized boolean sendDue() {
        Instant now = clock.instant();
        boolean allSent = true;
        for (Map.Entry<CronTask, Instant> entry : sentUpTo.entrySet()) {
            CronTask task = entry.getKey();
            Optional<Instant> due = latestTick(task, entry.getValue(), now);
            if (due.isEmpty()) {
                continue;
            }
            try {
                send(task, due.get());
                entry.setValue(due.get());
            } catch (SdkException e) {
                allSent = false;
                log.warn("could not enqueue periodic task '{}' for {}: {}; retrying", task.name(), due.get(), e.toString());
            }
        }
        return allSent;
    }

    /** The last tick in (after, now], if any; counts the ones skipped so a stall is visible in the log. */
    private static Optional<Instant> latestTick(CronTask task, Instant after, Instant now) {
        Instant latest = null;
        int skipped = -1;
        Optional<Instant> next = task.schedule().nextAfter(after);
        while (next.isPresent() && !next.get().isAfter(now)) {
            latest = next.get();
            skipped++;
            next = task.schedule().nextAfter(latest);
        }
        if (skipped > 0) {
            log.warn("periodic task '{}': {} ticks before {} were missed and are skipped", task.name(), skipped, latest);
        }
        return Optional.ofNullable(latest);
    }

    private void send(CronTask task, Instant scheduledAt) {
        String scheduled = TaskMessage.format(scheduledAt);
        SendMessageRequest.Builder request = SendMessageRequest.builder()
                .queueUrl(queueUrl)
                .messageBody(TaskMessage.BODY)
                .messageAttributes(Map.of(
                        TaskMessage.TASK_NAME, string(task.name()),
                        TaskMessage.PATH, string(task.url()),
                        TaskMessage.SCHEDULED_TIME, string(scheduled)));
        if (fifo) {
            request.messageGroupId(groupId(task)).messageDeduplicationId(deduplicationId(task, scheduledAt));
        }
        String id = sqs.sendMessage(request.build()).messageId();
        log.info("periodic task '{}' for {} enqueued as {}", task.name(), scheduled, id);
    }

    /** The same on every replica for the same tick: SHA-256 of name and time (SQS allows 128 chars). */
    static String deduplicationId(CronTask task, Instant scheduledAt) {
        return sha256(task.name() + "\n" + TaskMessage.format(scheduledAt));
    }

    /** FIFO group ids allow only alphanumerics and punctuation; a hash keeps any task name legal. */
    static String groupId(CronTask task) {
        return "sqsd-cron-" + sha256(task.name()).substring(0, 32);
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }

    private synchronized Duration untilNextTick() {
        Instant now = clock.instant();
        Instant next = sentUpTo.keySet().stream().map(t -> t.schedule().nextAfter(now)).flatMap(Optional::stream)
                .min(Instant::compareTo).orElse(now.plus(LONGEST_SLEEP));
        Duration wait = Duration.between(now, next);
        // wake at least every 30 s so a clock step (NTP) is noticed; never spin
        return wait.compareTo(LONGEST_SLEEP) > 0 ? LONGEST_SLEEP : (wait.toMillis() < 50 ? Duration.ofMillis(50) : wait);
    }

    private static MessageAttributeValue string(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }

    @Override
    public void close() {
        stopped = true;
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }
}
