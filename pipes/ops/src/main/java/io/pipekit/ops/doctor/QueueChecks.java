package io.pipekit.ops.doctor;

import io.pipekit.worker.WorkerOptions;
import java.time.Duration;

/** The worker queue itself: timeouts against the worker's heartbeat and handler, redrive, the DLQ (docs/aws-behaviour.md §9). */
final class QueueChecks {

    private QueueChecks() {}

    static void run(QueueFacts queue, Doctor.Options options, QueueLookup lookup, Findings out) {
        WorkerOptions worker = options.worker();
        Duration visibility = queue.visibilityTimeout();
        Duration heartbeat = Duration.ofMillis((long) (worker.visibilityTimeout().toMillis() * worker.heartbeatFraction()));
        if (visibility.compareTo(heartbeat) < 0) {
            out.add(Finding.warning("visibility-heartbeat", queue.url(),
                    "the queue's VisibilityTimeout (" + seconds(visibility) + ") is shorter than the worker's first heartbeat (" + seconds(heartbeat)
                            + " after the receive): any receive that does not set its own timeout (a second consumer, the console, a worker started without "
                            + "PIPEKIT_VISIBILITY_TIMEOUT matching) makes the message visible again before it is extended, so it is processed twice",
                    "set the queue's VisibilityTimeout to at least the worker's visibility (" + seconds(worker.visibilityTimeout()) + ")"));
        }
        Duration p99 = options.handlerP99();
        if (p99 != null) {
            if (p99.compareTo(io.pipekit.pipes.model.AwsLimits.MAX_VISIBILITY) >= 0) {
                out.add(Finding.error("visibility-p99", queue.url(),
                        "handler p99 " + seconds(p99) + " reaches SQS's 12 h visibility ceiling, counted from the receive: no heartbeat can keep such a message invisible, it is redelivered while still running",
                        "split the work so one message takes well under 12 h (docs/aws-behaviour.md §9)"));
            } else if (p99.compareTo(visibility) > 0) {
                out.add(Finding.warning("visibility-p99", queue.url(),
                        "handler p99 " + seconds(p99) + " exceeds the queue's VisibilityTimeout " + seconds(visibility)
                                + ": any consumer without a visibility heartbeat gets slow messages redelivered while they still run; the pipekit worker extends them, which needs sqs:ChangeMessageVisibility",
                        "raise VisibilityTimeout above the p99 (" + seconds(p99) + "), or make sure every consumer heartbeats"));
            }
        }
        if (queue.redrive() == null) {
            out.add(Finding.warning("redrive-missing", queue.url(),
                    "no RedrivePolicy: a message that always fails (poison) is received again and again until its retention ends, then silently deleted",
                    "give the queue a dead-letter queue (RedrivePolicy deadLetterTargetArn + maxReceiveCount; spec: queue.deadLetterTries)"));
            return;
        }
        int maxReceiveCount = queue.maxReceiveCount();
        Duration window = Doctor.retryWindow(worker.backoff(), maxReceiveCount);
        if (window.compareTo(options.outageTolerance()) < 0) {
            int needed = maxReceiveCount;
            while (needed < 1000 && Doctor.retryWindow(worker.backoff(), needed).compareTo(options.outageTolerance()) < 0) {
                needed++;
            }
            out.add(Finding.warning("max-receive-count", queue.url(),
                    "maxReceiveCount " + maxReceiveCount + " with the worker's back-off (" + describe(worker) + ") retries a failing message for only " + seconds(window)
                            + " before it is dead-lettered: a downstream outage longer than that moves every message in flight to the DLQ",
                    "raise maxReceiveCount to " + needed + " (retries cover " + seconds(options.outageTolerance()) + "), or lengthen the back-off"));
        }
        String dlqArn = queue.deadLetterArn();
        QueueFacts dlq = dlqArn == null ? null : lookup.byArn(out, dlqArn, "redrive-dlq");
        if (dlq == null) {
            out.add(Finding.error("redrive-dlq-missing", String.valueOf(dlqArn),
                    "the RedrivePolicy names a dead-letter queue that does not exist: messages past maxReceiveCount are deleted, not kept",
                    "create the queue " + dlqArn + " or point the RedrivePolicy at an existing one"));
            return;
        }
        if (dlq.fifo() != queue.fifo()) {
            out.add(Finding.error("redrive-dlq-type", dlq.url(),
                    "the dead-letter queue of a " + (queue.fifo() ? "FIFO" : "standard") + " queue must be " + (queue.fifo() ? "FIFO" : "standard") + ": redrive fails",
                    "use a dead-letter queue of the same type (docs/aws-behaviour.md §9)"));
        }
        Duration source = queue.retention();
        Duration target = dlq.retention();
        if (source == null || target == null) {
            if (!queue.keeps("MessageRetentionPeriod") || !dlq.keeps("MessageRetentionPeriod")) {
                out.add(Finding.note("dlq-retention", dlq.url(), "not checked: this SQS endpoint does not keep MessageRetentionPeriod", "none needed locally"));
            }
        } else if (!queue.fifo() && target.compareTo(source) <= 0) {
            // a standard queue's message keeps its original enqueue time in the DLQ, so it expires there early
            out.add(Finding.warning("dlq-retention", dlq.url(),
                    "the DLQ keeps messages " + seconds(target) + ", not longer than the source queue (" + seconds(source)
                            + "): a message keeps its original enqueue time when redriven, so it can expire in the DLQ at once",
                    "set the DLQ's MessageRetentionPeriod longer than the source's, e.g. 14 days (1209600 s)"));
        }
    }

    private static String describe(WorkerOptions worker) {
        var b = worker.backoff();
        return seconds(b.initial()) + " ×" + b.multiplier() + " up to " + seconds(b.max()) + (b.jitter() ? ", jittered" : "");
    }

    static String seconds(Duration d) {
        long s = d.toSeconds();
        if (s >= 3600 && s % 3600 == 0) {
            return s / 3600 + " h";
        }
        if (s >= 120 && s % 60 == 0) {
            return s / 60 + " min";
        }
        return d.toMillis() % 1000 == 0 ? s + " s" : d.toMillis() / 1000.0 + " s";
    }
}
