package io.pipekit.worker;

import io.pipekit.worker.BackoffPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Immutable settings of a {@link Worker}. Build with {@link #builder(String...)}; derive variants
 * with {@link #toBuilder()}. Every limit is checked here, once, against what SQS accepts
 * (docs/aws-behaviour.md §9), so a bad value fails at start-up rather than on the first receive.
 *
 * @param queueUrls           queues to consume; a URL ending in {@code .fifo} is consumed with FIFO
 *                            group ordering
 * @param maxConcurrency      messages processed at once across all queues (independent of the receive
 *                            batch size); while handlers are slow the poller never receives more than
 *                            there is room for, while they are quick it keeps up to 32 receives out
 *                            (across all queues) and each message waits for room before its handler runs
 *                            (docs/worker-engine.md, "Receiving ahead while handlers are quick")
 * @param receiveBatchSize    {@code MaxNumberOfMessages} per receive, 1–10
 * @param pollersPerQueue     receives kept open in parallel on each queue, 1–32: one poller's
 *                            round trips cap throughput when handlers are fast
 * @param waitTime            long-poll {@code WaitTimeSeconds}, 0–20 s
 * @param visibilityTimeout   visibility requested on every receive and on every heartbeat extension
 * @param heartbeatFraction   extend a message's visibility once this fraction of it has elapsed (0.1–0.9)
 * @param backoff             delay before a failed message is retried
 * @param deleteFlushInterval longest time a successful message waits for its batched delete
 * @param shutdownBudget      how long in-flight handlers may run on after shutdown begins
 * @param handlerTimeout      longest one handler may run (zero = no limit): past it the handler is
 *                            interrupted and its message retried after the backoff, so one hung
 *                            handler cannot hold a message, capacity and task protection forever
 */
public record WorkerOptions(
        List<String> queueUrls,
        int maxConcurrency,
        int receiveBatchSize,
        int pollersPerQueue,
        Duration waitTime,
        Duration visibilityTimeout,
        double heartbeatFraction,
        BackoffPolicy backoff,
        Duration deleteFlushInterval,
        Duration shutdownBudget,
        Duration handlerTimeout) {

    public WorkerOptions {
        queueUrls = List.copyOf(Objects.requireNonNull(queueUrls, "queueUrls"));
        if (queueUrls.isEmpty()) {
            throw new IllegalArgumentException("at least one queue URL is required");
        }
        if (queueUrls.stream().distinct().count() != queueUrls.size()) {
            throw new IllegalArgumentException("queue URLs must be distinct: " + queueUrls);
        }
        requireRange("maxConcurrency", maxConcurrency, 1, 100_000);
        requireRange("receiveBatchSize", receiveBatchSize, 1, SqsLimits.MAX_RECEIVE_MESSAGES);
        requireRange("pollersPerQueue", pollersPerQueue, 1, 32);
        requireRange("waitTime (seconds)", waitTime.toSeconds(), 0, SqsLimits.MAX_WAIT.toSeconds());
        if (visibilityTimeout.compareTo(Duration.ofSeconds(1)) < 0 || visibilityTimeout.compareTo(SqsLimits.MAX_VISIBILITY) > 0) {
            throw new IllegalArgumentException("visibilityTimeout must be 1 s to 12 h, was " + visibilityTimeout);
        }
        if (!(heartbeatFraction >= 0.1 && heartbeatFraction <= 0.9)) {
            throw new IllegalArgumentException("heartbeatFraction must be 0.1 to 0.9, was " + heartbeatFraction);
        }
        Objects.requireNonNull(backoff, "backoff");
        if (deleteFlushInterval.isNegative()) {
            throw new IllegalArgumentException("deleteFlushInterval must not be negative");
        }
        if (shutdownBudget.isNegative()) {
            throw new IllegalArgumentException("shutdownBudget must not be negative");
        }
        if (handlerTimeout.isNegative()) {
            throw new IllegalArgumentException("handlerTimeout must not be negative (zero = no limit)");
        }
    }

    private static void requireRange(String name, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be " + min + " to " + max + ", was " + value);
        }
    }

    public static Builder builder(String... queueUrls) {
        return new Builder(List.of(queueUrls));
    }

    public static Builder builder(List<String> queueUrls) {
        return new Builder(queueUrls);
    }

    public Builder toBuilder() {
        return new Builder(queueUrls)
                .maxConcurrency(maxConcurrency)
                .receiveBatchSize(receiveBatchSize)
                .pollersPerQueue(pollersPerQueue)
                .waitTime(waitTime)
                .visibilityTimeout(visibilityTimeout)
                .heartbeatFraction(heartbeatFraction)
                .backoff(backoff)
                .deleteFlushInterval(deleteFlushInterval)
                .shutdownBudget(shutdownBudget)
                .handlerTimeout(handlerTimeout);
    }

    /** The queue's name: the last segment of its URL (for logs, metrics and health). */
    public static String queueName(String queueUrl) {
        return queueUrl.substring(queueUrl.lastIndexOf('/') + 1);
    }

    /** Whether a queue is FIFO: SQS requires FIFO queue names to end in {@code .fifo}. */
    public static boolean isFifo(String queueUrl) {
        return queueUrl.endsWith(".fifo");
    }

    /** Defaults fit a Copilot worker: 30 s visibility (Copilot's default queue timeout), 20 s polls. */
    public static final class Builder {
        private List<String> queueUrls;
        private int maxConcurrency = 64;
        private int receiveBatchSize = 10;
        private int pollersPerQueue = 2;
        private Duration waitTime = Duration.ofSeconds(20);
        private Duration visibilityTimeout = Duration.ofSeconds(30);
        private double heartbeatFraction = 0.5;
        private BackoffPolicy backoff = BackoffPolicy.exponential(Duration.ofSeconds(2), 2.0, Duration.ofMinutes(15));
        private Duration deleteFlushInterval = Duration.ofMillis(100);
        private Duration shutdownBudget = Duration.ofSeconds(25);
        // Lambda's own ceiling: long enough for real work, short enough that a hung handler ends
        private Duration handlerTimeout = Duration.ofMinutes(15);

        private Builder(List<String> queueUrls) {
            this.queueUrls = queueUrls;
        }

        public Builder queueUrls(List<String> value) { this.queueUrls = value; return this; }
        public Builder maxConcurrency(int value) { this.maxConcurrency = value; return this; }
        public Builder receiveBatchSize(int value) { this.receiveBatchSize = value; return this; }
        public Builder pollersPerQueue(int value) { this.pollersPerQueue = value; return this; }
        public Builder waitTime(Duration value) { this.waitTime = value; return this; }
        public Builder visibilityTimeout(Duration value) { this.visibilityTimeout = value; return this; }
        public Builder heartbeatFraction(double value) { this.heartbeatFraction = value; return this; }
        public Builder backoff(BackoffPolicy value) { this.backoff = value; return this; }
        public Builder deleteFlushInterval(Duration value) { this.deleteFlushInterval = value; return this; }
        public Builder shutdownBudget(Duration value) { this.shutdownBudget = value; return this; }
        public Builder handlerTimeout(Duration value) { this.handlerTimeout = value; return this; }

        public WorkerOptions build() {
            return new WorkerOptions(queueUrls, maxConcurrency, receiveBatchSize, pollersPerQueue, waitTime, visibilityTimeout,
                    heartbeatFraction, backoff, deleteFlushInterval, shutdownBudget, handlerTimeout);
        }
    }
}
