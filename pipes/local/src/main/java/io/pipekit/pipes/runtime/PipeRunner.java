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
        this.deadLetterTarget = settings.deadLetterArn() == null || PipeSettings.isSnsTopic(settings.deadLetterArn())
                ? null : new SqsTarget(sqs, settings.deadLetterArn());
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

    /**
     * Starts pollers for shards not yet polled whose parents are done (or unknown); a shard made by a
     * merge waits for both parents (docs/aws-behaviour.md §1.3).
     *
     * <p>{@code LATEST} means the stream as it is when the pipe first starts: shards already closed
     * then (parents of a reshard before the pipe existed) are skipped, and every open shard, a child
     * among them, starts at its tip. Only shards born while the pipe runs are read from their start,
     * so no record is lost across a split or merge. These first-start decisions are kept with the
     * checkpoints ({@link #LATEST_MARK}, {@link #SKIPPED_MARK}) so a restart does not replay a child.
     */
    private void discover(boolean resolveIteratorsNow) {
        List<StreamSource.Shard> shards = source.shards();
        if (resolveIteratorsNow && checkpoints.isEmpty() && "LATEST".equals(settings.startingPosition())) {
            for (StreamSource.Shard shard : shards) {
                checkpoints.put(shard.id(), shard.closed() ? SKIPPED_MARK : LATEST_MARK);
            }
        }
        Set<String> known = new java.util.HashSet<>();
        shards.forEach(s -> known.add(s.id()));
        for (StreamSource.Shard shard : shards) {
            if (SKIPPED_MARK.equals(checkpoints.get(shard.id()))) {
                finishedShards.add(shard.id());
            }
        }
        for (StreamSource.Shard shard : shards) {
            boolean parentPending = pending(shard.parentId(), known) || pending(shard.adjacentParentId(), known);
            if ((shard.parentId() != null && known.contains(shard.parentId())) || (shard.adjacentParentId() != null && known.contains(shard.adjacentParentId()))) {
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

    private boolean pending(String parentId, Set<String> known) {
        return parentId != null && known.contains(parentId) && !finishedShards.contains(parentId);
    }

    /** Checkpoint of a shard open when a {@code LATEST} pipe first started and not yet read from: start at its tip. */
    static final String LATEST_MARK = "LATEST";
    /** Checkpoint of a shard already closed when a {@code LATEST} pipe first started: never read. */
    static final String SKIPPED_MARK = "SKIPPED";

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
