package io.pipekit.worker;

import io.pipekit.worker.QueueMessage;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * A received message while this worker holds it: its lease (how long it stays invisible) and its
 * one-way fate. Exactly one party settles a message — the handler's completion (delete or retry)
 * or a release (FIFO remainder, shutdown) — decided by a compare-and-set, so a handler finishing
 * at the moment a shutdown gives up on it can never both delete and release it.
 *
 * <p>A heartbeat extension in progress holds the message in {@code EXTENDING}; settling waits for it
 * to end, so an extension can never land after (and undo) a retry delay or a release.
 */
final class InFlight {

    public enum State { ACTIVE, EXTENDING, SETTLED }

    private final QueueMessage message;
    private final long receivedNanos;
    private final AtomicReference<State> state = new AtomicReference<>(State.ACTIVE);
    private volatile Instant visibleUntil;
    private volatile boolean atCeiling;
    private volatile Thread handlerThread;

    public InFlight(QueueMessage message, long receivedNanos, Instant visibleUntil) {
        this.message = message;
        this.receivedNanos = receivedNanos;
        this.visibleUntil = visibleUntil;
    }

    public QueueMessage message() {
        return message;
    }

    public String queueUrl() {
        return message.queueUrl();
    }

    public String receiptHandle() {
        return message.receiptHandle();
    }

    /** {@link System#nanoTime()} at the receive: the 12-hour visibility ceiling counts from here. */
    public long receivedNanos() {
        return receivedNanos;
    }

    public Instant visibleUntil() {
        return visibleUntil;
    }

    public void visibleUntil(Instant value) {
        this.visibleUntil = value;
    }

    /** True once the lease cannot be extended any further (12 h from the receive). */
    public boolean atCeiling() {
        return atCeiling;
    }

    public void markAtCeiling() {
        this.atCeiling = true;
    }

    /** Claims the right to send one visibility extension; false if settled or already extending. */
    public boolean beginExtension() {
        return state.compareAndSet(State.ACTIVE, State.EXTENDING);
    }

    public void endExtension() {
        state.compareAndSet(State.EXTENDING, State.ACTIVE);
    }

    /**
     * Settles the message, first waiting out an extension call in progress (bounded by the SDK's
     * call timeout). True for the one caller that settled it.
     */
    public boolean settle() {
        while (true) {
            if (state.compareAndSet(State.ACTIVE, State.SETTLED)) {
                return true;
            }
            if (state.get() == State.SETTLED) {
                return false;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    public boolean isActive() {
        return state.get() != State.SETTLED;
    }

    public void handlerThread(Thread thread) {
        this.handlerThread = thread;
    }

    /** Interrupts the handler, if one is running (shutdown budget exhausted). */
    public void interruptHandler() {
        Thread thread = handlerThread;
        if (thread != null) {
            thread.interrupt();
        }
    }

    @Override
    public String toString() {
        return "InFlight[" + message.messageId() + " " + state.get() + "]";
    }
}
