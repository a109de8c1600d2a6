package io.pipekit.pipes.runtime;

import io.pipekit.pipes.internal.Backoff;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The running part of one pipe: a virtual thread per shard (or one for an SQS queue), a
 * supervisor that discovers shards (children start once their parent is fully delivered, which keeps
 * per-key order across resharding), and a stop that lets the batch in flight finish.
 */
final class PipeRunner {

    private static final Logger LOG = LoggerFactory.getLogger(PipeRunner.class);

    private final PipeSettings settings;
    private final StreamSource source;
    private final SqsClient sqs;
    private final SqsTarget target;
    private final SqsTarget deadLetterTarget;
    private final RecordRenderer renderer;
    private final PipesRuntime.Options options;
    private final ConcurrentMap<String, String> checkpoints;
    private final PipeMetrics metrics;
    private final Consumer<String> onSourceGone;
    private final Backoff backoff;
    private final Set<String> finishedShards = ConcurrentHashMap.newKeySet();
    private final Set<String> childShards = ConcurrentHashMap.newKeySet();
    private final Map<String, Thread> shardThreads = new ConcurrentHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition stopSignal = lock.newCondition();
    private volatile boolean running;
    private Thread supervisor;

    PipeRunner(PipeSettings settings, StreamSource source, SqsClient sqs, PipesRuntime.Options options,
            ConcurrentMap<String, String> checkpoints, PipeMetrics metrics, Consumer<String> onSourceGone) {
        this.settings = settings;
        this.source = source;
        this.sqs = sqs;
        this.target = new SqsTarget(sqs, settings.targetArn());
        this.deadLetterTarget = settings.deadLetterArn() == null ? null : new SqsTarget(sqs, settings.deadLetterArn());
        this.renderer = new RecordRenderer(settings);
        this.options = options;
        this.checkpoints = checkpoints;
        this.metrics = metrics;
        this.onSourceGone = onSourceGone;
        this.backoff = new Backoff(options.initialBackoff(), options.maxBackoff());
    }

    /**
     * Starts polling. For streams, the shards and their first iterators are resolved before this
     * returns, so a record put once the pipe reports {@code RUNNING} is seen even from {@code LATEST};
     * a failure here (stream gone, emulator down) fails the state transition instead.
     */
    void start() {
        running = true;
        if (source != null) {
            discover(true);
        }
        supervisor = Thread.ofVirtual().name("pipe-" + settings.pipeName()).start(this::supervise);
    }

    /** Starts pollers for shards not yet polled whose parent is done (or unknown). */
    private void discover(boolean resolveIteratorsNow) {
        List<StreamSource.Shard> shards = source.shards();
        Set<String> known = new java.util.HashSet<>();
        shards.forEach(s -> known.add(s.id()));
        for (StreamSource.Shard shard : shards) {
            boolean parentPending = shard.parentId() != null && known.contains(shard.parentId()) && !finishedShards.contains(shard.parentId());
            if (shard.parentId() != null && known.contains(shard.parentId())) {
                childShards.add(shard.id());
            }
            if (!parentPending && !shardThreads.containsKey(shard.id()) && !finishedShards.contains(shard.id())) {
                ShardPoller poller = new ShardPoller(this, source, shard.id());
                if (resolveIteratorsNow) {
                    poller.resolveFirstIterator();
                }
                shardThreads.put(shard.id(), Thread.ofVirtual().name("pipe-" + settings.pipeName() + "-" + shard.id()).start(poller));
            }
        }
    }

    private void supervise() {
        if (source == null) {
            Thread poller = Thread.ofVirtual().name("pipe-" + settings.pipeName() + "-sqs").start(new SqsQueuePoller(this, sqs));
            shardThreads.put("queue", poller);
            return;
        }
        int failures = 0;
        while (running) {
            try {
                if (!pause(options.shardDiscoveryInterval())) {
                    return;
                }
                discover(false);
                failures = 0;
            } catch (StreamSource.SourceGoneException e) {
                sourceGone(e.getMessage());
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                LOG.warn("pipe {}: listing shards of {} failed: {}", settings.pipeName(), settings.sourceArn(), e.toString());
                pause(backoff.delay(failures++));
            }
        }
    }

    /** Stops polling; the batch in flight may finish within {@code grace}, then threads are interrupted. */
    void stop(Duration grace) {
        running = false;
        lock.lock();
        try {
            stopSignal.signalAll();
        } finally {
            lock.unlock();
        }
        List<Thread> threads = new ArrayList<>(shardThreads.values());
        if (supervisor != null) {
            threads.add(supervisor);
        }
        long deadline = System.nanoTime() + grace.toNanos();
        for (Thread thread : threads) {
            try {
                long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
                if (!thread.join(Duration.ofMillis(left))) {
                    thread.interrupt();
                    thread.join(Duration.ofSeconds(5));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Waits up to {@code duration}; returns false (at once) when the pipe is stopping. */
    boolean pause(Duration duration) {
        lock.lock();
        try {
            long nanos = duration.toNanos();
            while (running && nanos > 0) {
                nanos = stopSignal.awaitNanos(nanos);
            }
            return running;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    boolean isRunning() {
        return running && !Thread.currentThread().isInterrupted();
    }

    /** When the target's run of customer errors began (null while it delivers); docs/aws-behaviour.md §1.9. */
    private final java.util.concurrent.atomic.AtomicReference<java.time.Instant> failingSince = new java.util.concurrent.atomic.AtomicReference<>();

    /** The target refused a send with a customer error: stops the pipe once that has gone on for {@code targetFailureStop}. */
    void targetFailed(String reason) {
        java.time.Instant now = java.time.Instant.now();
        failingSince.compareAndSet(null, now);
        java.time.Instant since = failingSince.get();
        if (since != null && Duration.between(since, now).compareTo(options.targetFailureStop()) >= 0) {
            sourceGone("Pipes stopped this pipe after " + Duration.between(since, now).toSeconds() + " s of continuous errors from its target "
                    + settings.targetArn() + " (" + reason + "). Fix the target, then start the pipe again.");
        }
    }

    /** A send reached the target: the run of customer errors, if any, is over. */
    void targetDelivered() {
        failingSince.set(null);
    }

    void sourceGone(String reason) {
        if (running) {
            running = false;
            onSourceGone.accept(reason);
        }
    }

    void shardFinished(String shardId) {
        finishedShards.add(shardId);
        shardThreads.remove(shardId);
    }

    boolean isChildShard(String shardId) {
        return childShards.contains(shardId);
    }

    void checkpoint(String shardId, String sequenceNumber) {
        checkpoints.put(shardId, sequenceNumber);
    }

    String checkpointOf(String shardId) {
        return checkpoints.get(shardId);
    }

    PipeSettings settings() {
        return settings;
    }

    PipesRuntime.Options options() {
        return options;
    }

    Backoff backoff() {
        return backoff;
    }

    SqsTarget target() {
        return target;
    }

    SqsTarget deadLetterTarget() {
        return deadLetterTarget;
    }

    RecordRenderer renderer() {
        return renderer;
    }

    PipeMetrics metrics() {
        return metrics;
    }
}
