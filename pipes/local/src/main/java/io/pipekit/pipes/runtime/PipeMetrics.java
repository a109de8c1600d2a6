package io.pipekit.pipes.runtime;

import java.util.concurrent.atomic.AtomicLong;

/** Counters of one pipe since it was created: what it delivered, filtered out, dead-lettered or discarded. */
public final class PipeMetrics {

    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong filtered = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
    private final AtomicLong discarded = new AtomicLong();

    void delivered(long n) {
        delivered.addAndGet(n);
    }

    void filtered(long n) {
        filtered.addAndGet(n);
    }

    void deadLettered(long n) {
        deadLettered.addAndGet(n);
    }

    void discarded(long n) {
        discarded.addAndGet(n);
    }

    /** Records sent to the target. */
    public long delivered() {
        return delivered.get();
    }

    /** Records dropped by the filter (stream iterators advance past them; SQS messages are deleted). */
    public long filtered() {
        return filtered.get();
    }

    /** Records described by a DLQ failure record. */
    public long deadLettered() {
        return deadLettered.get();
    }

    /** Records given up without a DLQ (logged at WARN). */
    public long discarded() {
        return discarded.get();
    }

    @Override
    public String toString() {
        return "delivered=" + delivered() + " filtered=" + filtered() + " deadLettered=" + deadLettered() + " discarded=" + discarded();
    }
}
