package io.pipekit.producers;

import io.pipekit.producers.internal.scenario.EventGenerator;
import io.pipekit.producers.internal.send.Backoff;
import io.pipekit.producers.internal.send.BatchDelivery;
import io.pipekit.producers.internal.send.RunStats;
import io.pipekit.producers.internal.send.TokenBucket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs a {@link TrafficPlan} into a {@link Target}: generates events at the planned rate, batches
 * them within the target's limits, sends up to {@code concurrency} batches at once on virtual
 * threads, retries transient per-entry failures, and returns a {@link RunSummary}.
 *
 * <pre>{@code
 * try (var target = Targets.kinesis(kinesisClient, "orders")) {
 *     RunSummary s = Producer.run(TrafficPlan.of(Scenario.ORDERS).withCount(1_000).withRate(200), target);
 * }
 * }</pre>
 *
 * <p>When all batch slots are busy, the open batch keeps filling up to the target's limit; once it
 * is full the generator waits, so a slow target lowers the achieved rate (reported) rather than
 * growing an unbounded buffer.
 */
public final class Producer<R> {

    private static final Duration PROGRESS_EVERY = Duration.ofMillis(250);
    /** How often a lingering batch looks for a free slot while all are busy. */
    private static final long SLOT_POLL_NANOS = 1_000_000;

    private final TrafficPlan plan;
    private final Target<R> target;
    private final Backoff backoff;
    private volatile boolean stopRequested;

    private Producer(TrafficPlan plan, Target<R> target, Backoff backoff) {
        this.plan = plan;
        this.target = target;
        this.backoff = backoff;
    }

    public static <R> Producer<R> of(TrafficPlan plan, Target<R> target) {
        return new Producer<>(plan, target, Backoff.DEFAULT);
    }

    /** Runs to completion without progress output. */
    public static RunSummary run(TrafficPlan plan, Target<?> target) {
        return of(plan, target).run(ProgressListener.NONE);
    }

    /** Stops generating; batches already generated are still delivered (or counted as failed). */
    public void stop() {
        stopRequested = true;
    }

    public RunSummary run(ProgressListener progress) {
        RunStats stats = new RunStats();
        EventGenerator generator = new EventGenerator(plan);
        TokenBucket bucket = plan.ratePerSec() > 0 ? TokenBucket.steady(plan.ratePerSec()) : null;
        BatchDelivery<R> delivery = new BatchDelivery<>(target, stats, plan.maxAttempts(), backoff);
        Semaphore slots = new Semaphore(plan.concurrency());
        long start = System.nanoTime();
        long deadline = plan.duration() != null ? start + plan.duration().toNanos() : Long.MAX_VALUE;
        long lingerNanos = plan.linger().toNanos();
        int maxEntries = target.maxBatchEntries();
        long maxBytes = target.maxBatchBytes();

        Thread ticker = Thread.ofVirtual().name("producer-progress").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(PROGRESS_EVERY);
                } catch (InterruptedException e) {
                    return;
                }
                progress.onProgress(stats.snapshot(target.describe(), plan, Duration.ofNanos(System.nanoTime() - start)));
            }
        });
        try (ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor()) {
            Batch<R> batch = new Batch<>();
            while (!stopRequested) {
                long now = System.nanoTime();
                if ((plan.count() > 0 && generator.generated() >= plan.count()) || now >= deadline) break;
                // linger over: send if a slot is free; if all are busy keep filling this batch, so
                // batches grow under back-pressure instead of the generator stalling on half-empty ones
                if (!batch.isEmpty() && now >= batch.lingerUntil && slots.tryAcquire()) {
                    batch = submit(batch, senders, slots, delivery);
                    continue;
                }
                if (bucket != null && !bucket.tryAcquire()) {
                    long wait = Math.min(bucket.nanosToNextToken(), deadline - now);
                    if (!batch.isEmpty()) wait = Math.min(wait, Math.max(batch.lingerUntil - now, SLOT_POLL_NANOS));
                    LockSupport.parkNanos(Math.max(wait, 1));
                    continue;
                }
                Target.Entry<R> entry = target.encode(generator.next(Instant.now()));
                stats.generatedOne();
                if (!batch.isEmpty() && !batch.fits(entry, maxEntries, maxBytes)) {
                    batch = flush(batch, senders, slots, delivery);
                }
                batch.add(entry, now + lingerNanos);
                if (batch.entries.size() >= maxEntries) {
                    batch = flush(batch, senders, slots, delivery);
                }
            }
            if (!batch.isEmpty()) flush(batch, senders, slots, delivery);
        } // close() waits for every batch in flight
        finally {
            ticker.interrupt();
            try {
                ticker.join(Duration.ofSeconds(1)); // no progress line may follow the final summary
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        RunSummary summary = stats.snapshot(target.describe(), plan, Duration.ofNanos(System.nanoTime() - start));
        progress.onFinish(summary);
        return summary;
    }

    /** Sends a full (or final) batch, waiting for a free slot: back-pressure instead of an unbounded queue. */
    private Batch<R> flush(Batch<R> batch, ExecutorService senders, Semaphore slots, BatchDelivery<R> delivery) {
        slots.acquireUninterruptibly();
        return submit(batch, senders, slots, delivery);
    }

    /** Sends a batch on a virtual thread; the caller holds a slot, released when delivery ends. */
    private Batch<R> submit(Batch<R> batch, ExecutorService senders, Semaphore slots, BatchDelivery<R> delivery) {
        List<Target.Entry<R>> entries = batch.entries;
        senders.execute(() -> {
            try {
                delivery.deliver(entries);
            } finally {
                slots.release();
            }
        });
        return new Batch<>();
    }

    private static final class Batch<R> {
        final List<Target.Entry<R>> entries = new ArrayList<>();
        final Set<String> keys = new HashSet<>();
        long bytes;
        long lingerUntil;

        boolean isEmpty() {
            return entries.isEmpty();
        }

        boolean fits(Target.Entry<R> e, int maxEntries, long maxBytes) {
            return entries.size() < maxEntries && bytes + e.bytes() <= maxBytes
                    && (e.uniqueKey() == null || !keys.contains(e.uniqueKey()));
        }

        void add(Target.Entry<R> e, long lingerDeadline) {
            if (entries.isEmpty()) lingerUntil = lingerDeadline;
            entries.add(e);
            bytes += e.bytes();
            if (e.uniqueKey() != null) keys.add(e.uniqueKey());
        }
    }
}
