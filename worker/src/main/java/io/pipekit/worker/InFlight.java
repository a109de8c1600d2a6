package io.pipekit.worker;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * A received message while this worker holds it: its lease (how long it stays invisible) and its
 * one-way fate. Exactly one party decides a message's fate — the handler's completion (delete or
 * retry), a release (FIFO remainder, shutdown) or the handler timeout — by a compare-and-set, so a
 * handler finishing at the moment a shutdown gives up on it can never both delete and release it.
 *
 * <p>A message that succeeded stays held ({@code DELETING}) until its delete is acknowledged: it
 * keeps its unit of capacity (pending deletes are bounded by {@code maxConcurrency}) and the
 * heartbeat keeps extending it, so a slow delete path cannot let it reappear on the queue.
 *
 * <p>A heartbeat extension in progress holds the message in {@code EXTENDING}; deciding its fate
 * waits for it to end, so an extension can never land after (and undo) a retry delay or a release.
 */
final class InFlight {

    enum State { ACTIVE, EXTENDING, DELETING, DELETING_EXTENDING, DONE }

    private final QueueMessage message;
    private final long receivedNanos;
    private final AtomicReference<State> state = new AtomicReference<>(State.ACTIVE);
    private volatile Instant visibleUntil;
    private volatile boolean atCeiling;
    private volatile boolean leaseLost;
    private volatile Thread handlerThread;
    private volatile long handlerStartedNanos;
    private volatile boolean heldByDeleteCapacity;
    /** Set by an inline run on its own thread before the handler runs: where a success goes to be deleted. */
    private List<InFlight> deleteInto;

    InFlight(QueueMessage message, long receivedNanos, Instant visibleUntil) {
        this.message = message;
        this.receivedNanos = receivedNanos;
        this.visibleUntil = visibleUntil;
    }

    QueueMessage message() {
        return message;
    }

    String queueUrl() {
        return message.queueUrl();
    }

    String receiptHandle() {
        return message.receiptHandle();
    }

    String messageId() {
        return message.messageId();
    }

    /** {@link System#nanoTime()} at the receive: the 12-hour visibility ceiling counts from here. */
    long receivedNanos() {
        return receivedNanos;
    }

    Instant visibleUntil() {
        return visibleUntil;
    }

    void visibleUntil(Instant value) {
        this.visibleUntil = value;
    }

    /**
     * Records an extension answered by SQS: the lease now runs to {@code until} unless an earlier
     * answer (a hedged call) already took it further. True if the lease got longer.
     */
    synchronized boolean extendTo(Instant until) {
        if (!until.isAfter(visibleUntil)) {
            return false;
        }
        visibleUntil = until;
        return true;
    }

    /** True once the lease cannot be extended any further (12 h from the receive, or lost). */
    boolean atCeiling() {
        return atCeiling;
    }

    void markAtCeiling() {
        this.atCeiling = true;
    }

    /** True once the lease lapsed or SQS refused the receipt: another consumer may have the message. */
    boolean leaseLost() {
        return leaseLost;
    }

    /** Marks the lease lost; true for the first caller (so it is reported once). */
    boolean markLeaseLost() {
        synchronized (this) {
            if (leaseLost) {
                return false;
            }
            leaseLost = true;
            atCeiling = true;
            return true;
        }
    }

    /** Claims the right to send one visibility extension; false if done or already extending. */
    boolean beginExtension() {
        return state.compareAndSet(State.ACTIVE, State.EXTENDING) || state.compareAndSet(State.DELETING, State.DELETING_EXTENDING);
    }

    void endExtension() {
        if (!state.compareAndSet(State.EXTENDING, State.ACTIVE)) {
            state.compareAndSet(State.DELETING_EXTENDING, State.DELETING);
        }
    }

    /**
     * Decides a retry or a release, first waiting out an extension call in progress (bounded by the
     * call timeout). True for the one caller that decided it; false once its fate is decided.
     */
    boolean settle() {
        return decide(State.DONE);
    }

    /** Decides a delete (the handler succeeded); the message stays held until {@link #finish()}. */
    boolean beginDelete() {
        return decide(State.DELETING);
    }

    private boolean decide(State to) {
        while (true) {
            if (state.compareAndSet(State.ACTIVE, to)) {
                return true;
            }
            if (state.get() != State.EXTENDING) {
                return false;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    /** The delete was answered (or given up): nothing more will be done with this receipt. */
    void finish() {
        while (true) {
            State current = state.get();
            if (current == State.DONE) {
                return;
            }
            if (current != State.DELETING_EXTENDING && state.compareAndSet(current, State.DONE)) {
                return;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    /** Not yet decided: the handler is (or is about to be) running. */
    boolean isActive() {
        State s = state.get();
        return s == State.ACTIVE || s == State.EXTENDING;
    }

    /** The handler succeeded and the delete is on its way. */
    boolean isDeleting() {
        State s = state.get();
        return s == State.DELETING || s == State.DELETING_EXTENDING;
    }

    boolean isDone() {
        return state.get() == State.DONE;
    }

    /** Which capacity the pending delete holds: the delete capacity (usually) or still the handler's. */
    void heldBy(boolean deleteCapacity) {
        this.heldByDeleteCapacity = deleteCapacity;
    }

    boolean heldByDeleteCapacity() {
        return heldByDeleteCapacity;
    }

    /** An inline run collects this message's delete, to send it itself (read on the same thread). */
    void deleteInto(List<InFlight> collector) {
        this.deleteInto = collector;
    }

    /** The inline run's collector, if this message runs inline; cleared on the way. */
    List<InFlight> takeDeleteInto() {
        List<InFlight> collector = deleteInto;
        deleteInto = null;
        return collector;
    }

    void handlerStarted(Thread thread) {
        this.handlerStartedNanos = System.nanoTime();
        this.handlerThread = thread;
    }

    void handlerEnded() {
        this.handlerThread = null;
    }

    /** How long the handler has been running at {@code nowNanos}; 0 when none is. */
    long handlerRunningNanos(long nowNanos) {
        return handlerThread == null ? 0 : nowNanos - handlerStartedNanos;
    }

    /** Interrupts the handler, if one is running (shutdown budget or handler timeout exhausted). */
    void interruptHandler() {
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
