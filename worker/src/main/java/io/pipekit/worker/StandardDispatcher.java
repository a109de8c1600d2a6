package io.pipekit.worker;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Standard queues: a slow message never holds up the rest of its batch (docs/comparable-tools.md
 * §2 item 1), and capacity, not the batch, bounds concurrency. One per queue: it keeps that queue's
 * handler pace.
 *
 * <p><b>Forked.</b> Each message runs on its own virtual thread.
 *
 * <p><b>Inline, while handlers are quick.</b> When the queue's recent handlers took so little that a
 * whole batch takes under {@link #INLINE_BATCH_BUDGET_NANOS}, the receive loop runs the batch itself,
 * one message after another, and then deletes the messages that succeeded in one call before it
 * receives again: the shape of a raw SDK loop, with no hand-off to handler threads or to a delete
 * thread (docs/worker-engine.md, "Quick handlers run inline"). Two guards keep a slow message from
 * holding up the others:
 * <ul>
 *   <li>a batch that has already run past twice the budget forks the messages it has not started;
 *   <li>a message still running after {@link #STALL_NANOS} is a stall: the {@link InlineWatch} forks
 *       the rest of its batch and the receive loop's place goes to a fresh loop, so the queue keeps
 *       receiving while the stalled handler runs on; the loop ends once it has.
 * </ul>
 * Either one slows the pace, so the next batches are forked until forked handlers show the queue
 * quick again.
 */
final class StandardDispatcher implements Dispatcher {

    private static final Logger log = LoggerFactory.getLogger(StandardDispatcher.class);
    /** A batch runs inline only if the recent pace says it takes no longer than this. */
    static final long INLINE_BATCH_BUDGET_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** An inline message still running after this has stalled its batch. */
    static final long STALL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long UNKNOWN = Long.MAX_VALUE;

    private final MessageProcessor processor;
    private final InlineWatch watch;
    /**
     * Recent handler time per message on this queue, in nanoseconds (the handler alone, not the
     * settling after it): a moving average over roughly the last eight handlers, {@link #UNKNOWN} until one ran. Updated without a lock; a lost update
     * only makes the estimate a little older.
     */
    private volatile long pace = UNKNOWN;

    StandardDispatcher(MessageProcessor processor, InlineWatch watch) {
        this.processor = processor;
        this.watch = watch;
    }

    @Override
    public void dispatch(List<InFlight> batch) {
        for (InFlight message : batch) {
            Thread.ofVirtual().name("pipekit-handler").start(() -> processor.process(message, this::record));
        }
    }

    private void record(long nanos) {
        long p = pace;
        pace = p == UNKNOWN ? nanos : p + (nanos - p) / 8;
    }

    /** Whether a batch of {@code size} should run inline: the pace is known and quick enough. */
    boolean runsInline(int size) {
        long p = pace;
        return p != UNKNOWN && p <= INLINE_BATCH_BUDGET_NANOS / size;
    }

    /** What an inline run left to its loop: the messages to delete, and whether it stalled. */
    record Outcome(List<InFlight> succeeded, boolean stalled) {}

    /**
     * Runs {@code batch} on the calling receive loop. Every message already holds its capacity and
     * is registered. Returns the messages whose handler succeeded, for the loop to delete; each
     * holds its capacity until that delete is answered, as any succeeded message does.
     *
     * @param onStall run once, on the watch's thread, if a message stalls: the loop's place goes to a
     *                fresh loop (this one should end when the run returns)
     */
    Outcome runInline(List<InFlight> batch, Runnable onStall) {
        InlineRun run = new InlineRun(batch, onStall);
        watch.add(run);
        try {
            long start = System.nanoTime();
            for (int i; (i = run.claim()) >= 0; ) {
                if (i > 0 && System.nanoTime() - start > 2 * INLINE_BATCH_BUDGET_NANOS) {
                    // slower than the pace promised: the messages not started go to their own threads
                    List<InFlight> rest = new ArrayList<>(batch.size() - i);
                    rest.add(batch.get(i));
                    rest.addAll(run.takeRest());
                    dispatch(rest);
                    break;
                }
                runOne(run, batch.get(i));
            }
        } finally {
            watch.remove(run);
        }
        return new Outcome(run.succeeded, run.stalled);
    }

    private void runOne(InlineRun run, InFlight message) {
        message.deleteInto(run.succeeded);
        run.messageStarted = System.nanoTime();
        try {
            // a stall already counted this handler as slow
            processor.process(message, nanos -> {
                if (!run.stalled) {
                    record(nanos);
                }
            });
        } catch (VirtualMachineError e) {
            // the processor has settled the message (it is retried); the loop must not die of it
            log.error("handler of message {} threw {}; the message is retried", message.messageId(), e.toString());
        } finally {
            run.messageStarted = 0;
            message.takeDeleteInto(); // a message that failed leaves nothing behind
        }
    }

    /** One batch a receive loop is running inline. */
    final class InlineRun {
        private final List<InFlight> batch;
        private final Runnable onStall;
        private final AtomicInteger next = new AtomicInteger();
        /** Filled on the loop's thread only (the settler adds a success there). */
        final List<InFlight> succeeded;
        /** {@link System#nanoTime()} when the running message started; 0 between messages. */
        volatile long messageStarted;
        volatile boolean stalled;

        InlineRun(List<InFlight> batch, Runnable onStall) {
            this.batch = batch;
            this.onStall = onStall;
            this.succeeded = new ArrayList<>(batch.size());
        }

        /** The index of the next message for the loop to run, or -1 when none is left. */
        int claim() {
            int i = next.getAndIncrement();
            return i < batch.size() ? i : -1;
        }

        /** Takes every message not yet claimed, so nobody else starts them. */
        List<InFlight> takeRest() {
            int from = Math.min(next.getAndSet(batch.size()), batch.size());
            return batch.subList(from, batch.size());
        }

        /** On the watch's thread: if the running message has stalled, fork the rest and replace the loop. */
        void checkStall(long now) {
            long started = messageStarted;
            if (stalled || started == 0 || now - started <= STALL_NANOS) {
                return;
            }
            stalled = true;
            record(now - started);
            List<InFlight> rest = takeRest();
            log.debug("a handler has run {} ms inline; forking the {} message(s) behind it", 
                    TimeUnit.NANOSECONDS.toMillis(now - started), rest.size());
            dispatch(rest);
            onStall.run();
        }
    }
}
