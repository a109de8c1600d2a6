package io.pipekit.worker;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Watches the batches receive loops run inline (see {@link StandardDispatcher}) and acts on a
 * message that stalls its batch. One platform thread per worker; it ticks only while an inline
 * run is going on and parks otherwise (waking once a second), so an idle worker pays next to nothing for it.
 */
final class InlineWatch implements AutoCloseable {

    /** How often the runs are looked at: a stall is noticed within {@code STALL + TICK}. */
    static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    /** Parked with no run to watch, it still wakes now and then: a lost unpark costs at most this. */
    private static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Set<StandardDispatcher.InlineRun> runs = ConcurrentHashMap.newKeySet();
    private final Thread thread;
    private volatile boolean idle;
    private volatile boolean closed;

    InlineWatch() {
        this.thread = Thread.ofPlatform().daemon().name("pipekit-inline-watch").unstarted(this::run);
    }

    void start() {
        thread.start();
    }

    void add(StandardDispatcher.InlineRun run) {
        runs.add(run);
        if (idle) {
            LockSupport.unpark(thread);
        }
    }

    void remove(StandardDispatcher.InlineRun run) {
        runs.remove(run);
    }

    private void run() {
        while (!closed) {
            if (runs.isEmpty()) {
                idle = true;
                if (runs.isEmpty() && !closed) {
                    LockSupport.parkNanos(this, IDLE_NANOS);
                }
                idle = false;
                continue;
            }
            LockSupport.parkNanos(this, TICK_NANOS);
            long now = System.nanoTime();
            for (StandardDispatcher.InlineRun run : runs) {
                run.checkStall(now);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(thread);
    }
}
