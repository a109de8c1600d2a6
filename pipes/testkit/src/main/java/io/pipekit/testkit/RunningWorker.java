package io.pipekit.testkit;

import static org.awaitility.Awaitility.await;

import io.pipekit.worker.QueueMessage;
import io.pipekit.worker.ShutdownReport;
import io.pipekit.worker.Worker;
import java.time.Duration;
import java.util.List;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A {@link Worker} running a test's handler, and waits on what happened to the messages: processed
 * (the handler returned, the message is deleted), retried (the handler threw, the message comes
 * back after its backoff) and dead-lettered (SQS moved it after the queue's maxReceiveCount).
 * Each wait polls until the count is reached or {@link #timeout()} runs out, then fails with what
 * was seen.
 */
public final class RunningWorker implements AutoCloseable {

    /** How long a wait lasts unless {@link #within(Duration)} says otherwise. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private final Worker worker;
    private final Outcomes outcomes;
    private final TestQueue queue;
    private volatile Duration timeout = DEFAULT_TIMEOUT;
    private volatile ShutdownReport stopped;

    RunningWorker(Worker worker, Outcomes outcomes, TestQueue queue) {
        this.worker = worker;
        this.outcomes = outcomes;
        this.queue = queue;
    }

    /** The waits from now on give up after {@code timeout}. Returns this worker. */
    public RunningWorker within(Duration timeout) {
        this.timeout = timeout;
        return this;
    }

    public Duration timeout() {
        return timeout;
    }

    public Worker worker() {
        return worker;
    }

    public TestQueue queue() {
        return queue;
    }

    /** Messages the handler returned for, in completion order (a redelivered message appears once per success). */
    public List<QueueMessage> processed() {
        return List.copyOf(outcomes.processed);
    }

    /** Failed attempts, in order: each is a retry to come, or the last receive before the dead-letter queue. */
    public List<Failure> failures() {
        return List.copyOf(outcomes.failures);
    }

    /** Waits until at least {@code count} messages were processed; returns them all. */
    public List<QueueMessage> awaitProcessed(int count) {
        awaitCount("processed", count, () -> outcomes.processed.size());
        return processed();
    }

    /** Waits until the handler failed at least {@code count} times; returns every failure. */
    public List<Failure> awaitRetried(int count) {
        awaitCount("failed attempts (retries)", count, () -> outcomes.failures.size());
        return failures();
    }

    /** Waits until at least {@code count} messages are on the queue's dead-letter queue; returns their bodies. */
    public List<String> awaitDeadLettered(int count) {
        awaitCount("dead-lettered", count, queue::deadLetterDepth);
        return queue.deadLetterBodies();
    }

    /** Waits until the queue holds no message, visible or in flight (everything handled one way or the other). */
    public void awaitDrained() {
        awaitCount("empty queue (messages left)", 0, queue::depth, true);
    }

    private void awaitCount(String what, int count, java.util.function.IntSupplier actual) {
        awaitCount(what, count, actual, false);
    }

    private void awaitCount(String what, int count, java.util.function.IntSupplier actual, boolean atMost) {
        try {
            await().atMost(timeout).pollInterval(Duration.ofMillis(25))
                    .until(() -> atMost ? actual.getAsInt() <= count : actual.getAsInt() >= count);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("after " + timeout.toMillis() + " ms: expected " + count + " " + what + " on " + queue
                    + ", saw " + actual.getAsInt() + "; processed " + outcomes.processed.size() + ", failed attempts "
                    + outcomes.failures.size() + lastFailure(), e);
        }
    }

    private String lastFailure() {
        if (outcomes.failures.isEmpty()) {
            return "";
        }
        Failure last = outcomes.failures.get(outcomes.failures.size() - 1);
        return " (last failure: " + last.cause() + ")";
    }

    /**
     * Stops the worker (drains in-flight handlers within 5 s); also done after the test. Returns
     * only once the long polls that were out at the stop have surely ended on the server — at most
     * the worker's wait time, 1 s by default — so the next test's message on the same queue cannot
     * be captured by this stopped worker's receive (handed back, or lost with a closed client for a
     * visibility timeout).
     */
    @Override
    public synchronized void close() {
        if (stopped == null) {
            stopped = worker.shutdown(Duration.ofSeconds(5));
            long until = System.nanoTime() + stopped.receivesOpenFor().toNanos();
            for (long left = until - System.nanoTime(); left > 0 && !Thread.currentThread().isInterrupted();
                 left = until - System.nanoTime()) {
                java.util.concurrent.locks.LockSupport.parkNanos(left);
            }
        }
    }
}
