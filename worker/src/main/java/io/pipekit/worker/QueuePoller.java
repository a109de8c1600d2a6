package io.pipekit.worker;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;

/**
 * Long-polls one queue with receive loops on platform threads, separate from processing (a loop
 * spends its life blocked in socket reads, where a virtual thread would pay an unmount and remount
 * of the SDK's deep stack on every call: docs/worker-engine.md, "Threads").
 *
 * <p>Before each receive a loop takes capacity from the shared {@link ConcurrencyLimiter} and asks
 * SQS for no more messages than it got, so a full worker leaves the backlog visible.
 *
 * <p><b>Adaptive receives.</b> {@code pollersPerQueue} loops always run. While receives come back
 * full and capacity is free, the queue has a backlog that more receives in flight would drain
 * faster: each full batch may start one more loop, up to twice as many as the capacity can feed
 * at once ({@code 2 × maxConcurrency / receiveBatchSize}, at most 32; on FIFO queues once): a loop
 * that runs its batch inline spends half its time deleting, holding no handler capacity, while
 * another receives. An extra loop ends as soon as a receive comes back short. So a user need not
 * tune {@code pollersPerQueue} for throughput.
 *
 * <p><b>Receiving ahead.</b> While the queue's handlers run inline, a receive reserves from the
 * worker's receive-ahead budget instead, and trades it for handler capacity when its messages are
 * here; the queue may then grow to {@link #MAX_LOOPS} loops. Handlers running at once stay within
 * {@code maxConcurrency}; what may be in transit grows to what a raw 32-thread loop has.
 *
 * <p><b>Inline batches.</b> On a standard queue whose handlers are quick, the loop runs the batch it
 * received itself and deletes it before receiving again ({@link StandardDispatcher}); if a handler
 * stalls there, a fresh loop takes this one's place.
 *
 * <p><b>Fairness.</b> A loop whose last receive was empty asks for a single message: an idle long
 * poll then holds one unit of capacity for its 20 s instead of a whole batch, and idle queues cannot
 * starve busy ones. The first message that arrives makes the next receive ask for a full batch.
 *
 * <p>Receive errors never end a loop: it backs off (exponentially, with jitter, at most 3 s — the
 * bound on resuming after an outage) and polls again. Errors waiting cannot fix (access denied, no
 * such queue) are logged as such and reported to {@link WorkerListener#onPermanentError}. On FIFO
 * queues a failed receive is retried with the same {@code ReceiveRequestAttemptId}, so messages SQS
 * handed out in a lost response come back to us rather than sitting invisible.
 */
final class QueuePoller {

    private static final Logger log = LoggerFactory.getLogger(QueuePoller.class);
    /**
     * Pause after a failed receive: 100 ms doubling to at most 3 s. The cap is what bounds the time to
     * notice that SQS is back after an outage (≤ 3 s plus one call), so it stays short.
     */
    private static final BackoffPolicy ERROR_BACKOFF = BackoffPolicy.exponential(Duration.ofMillis(100), 2.0, Duration.ofSeconds(3));
    /** Most receive loops one queue may grow to. */
    static final int MAX_LOOPS = 32;

    private final String queueUrl;
    private final String queueName;
    private final SqsClient sqs;
    private final WorkerOptions options;
    private final ConcurrencyLimiter limiter;
    private final ConcurrencyLimiter receiveAhead;
    private final InFlightRegistry registry;
    private final Dispatcher dispatcher;
    private final MessageSettler settler;
    private final WorkerListener listener;
    private final Clock clock;
    private final boolean fifo;
    private final int baseLoops;
    /** A full receive's size: at most the handler capacity, which every message it brings must take. */
    private final int fullBatch;
    /** Most loops while receives reserve handler capacity (while they reserve from {@code receiveAhead}: {@link #MAX_LOOPS}). */
    private final int maxLoops;
    private final CompletableFuture<Void> firstPoll = new CompletableFuture<>();
    private final AtomicInteger loops = new AtomicInteger();
    private final AtomicInteger failedLoops = new AtomicInteger();
    private final Set<Loop> running = ConcurrentHashMap.newKeySet();
    private final AtomicInteger consecutiveErrors = new AtomicInteger();
    private volatile boolean stopped;

    QueuePoller(String queueUrl, SqsClient sqs, WorkerOptions options, ConcurrencyLimiter limiter,
                ConcurrencyLimiter receiveAhead, InFlightRegistry registry, Dispatcher dispatcher, MessageSettler settler,
                WorkerListener listener, Clock clock) {
        this.queueUrl = queueUrl;
        this.queueName = WorkerOptions.queueName(queueUrl);
        this.sqs = sqs;
        this.options = options;
        this.limiter = limiter;
        this.receiveAhead = receiveAhead;
        this.registry = registry;
        this.dispatcher = dispatcher;
        this.settler = settler;
        this.listener = listener;
        this.clock = clock;
        this.fifo = WorkerOptions.isFifo(queueUrl);
        this.baseLoops = options.pollersPerQueue();
        this.fullBatch = Math.min(options.receiveBatchSize(), limiter.capacity());
        this.maxLoops = Math.max(baseLoops, Math.min(MAX_LOOPS, (fifo ? 1 : 2) * options.maxConcurrency() / options.receiveBatchSize()));
    }

    void start() {
        for (int i = 0; i < baseLoops; i++) {
            loops.incrementAndGet();
            startLoop(false);
        }
    }

    /** Starts one more loop if the queue has fewer than it may grow to (the slot is claimed atomically). */
    private void tryAddLoop(int limit) {
        if (loops.incrementAndGet() > limit) {
            loops.decrementAndGet();
            return;
        }
        startLoop(true);
    }

    private void startLoop(boolean extra) {
        Loop loop = new Loop(extra);
        running.add(loop);
        loop.thread = Thread.ofPlatform().daemon().name("pipekit-poller-" + queueName).unstarted(loop::run);
        loop.thread.start();
    }

    String queueUrl() {
        return queueUrl;
    }

    /** Receive loops running now (the fixed ones plus those a backlog added). */
    int loops() {
        return loops.get();
    }

    /** Completes after a first receive succeeded, or exceptionally once every fixed loop's first receive failed. */
    CompletableFuture<Void> firstPoll() {
        return firstPoll;
    }

    /**
     * Stops receiving at once, without waiting for the long polls that are out: each gives its
     * capacity back now (so the drain does not wait for an idle poll), and whatever it still
     * returns is handed straight back to SQS ({@link MessageSettler#releaseUnclaimed}). A loop
     * waiting for capacity or backing off is woken. Nothing interrupts a receive: an interrupt
     * cannot break a platform thread's socket read, and the SDK would turn it into an abort after
     * the response arrived, leaving the messages in it invisible for a visibility timeout.
     *
     * <p>If the caller closes the client while a poll is out, the request is abandoned — and
     * hanging up does not cancel the receive on the server: until its wait time ends, a message that
     * becomes visible may still be handed to it and stay invisible for a whole visibility timeout
     * (seen with ElasticMQ; SQS documents no cancel either). Hence {@link #abandonedPollRemaining()}.
     */
    void stop() {
        stopReceiving();
        running.forEach(Loop::stop);
    }

    /**
     * Only marks the poller stopped: no loop starts another receive. The worker marks every poller
     * before {@link #stop} gives any capacity back, or capacity one queue gives back could wake a
     * loop of a queue not yet marked into a fresh receive, whose messages would then come back late.
     */
    void stopReceiving() {
        stopped = true;
    }

    /** How much longer a receive that is out (or was abandoned) may still capture messages on the server. */
    Duration abandonedPollRemaining() {
        long now = System.nanoTime();
        long left = 0;
        for (Loop loop : running) {
            long until = loop.pollOpenUntil;
            if (until != 0) {
                left = Math.max(left, until - now);
            }
        }
        return Duration.ofNanos(left);
    }

    private final class Loop {
        final boolean extra;
        volatile Thread thread;
        /** While a receive is out: when the server gives up on it even if we hung up (nanoTime). */
        volatile long pollOpenUntil;
        /** Capacity taken for the receive that is out; {@link #stop} takes it back, exactly once. */
        final AtomicInteger held = new AtomicInteger();
        /** Where {@link #held} came from: handler capacity, or the receive-ahead budget. Written before {@link #held}. */
        volatile ConcurrencyLimiter heldFrom = limiter;
        private final Object waitLock = new Object();
        /** Guarded by {@link #waitLock}: the loop is in a wait an interrupt may end (capacity, back-off). */
        private boolean waiting;

        Loop(boolean extra) {
            this.extra = extra;
        }

        void stop() {
            int taken = held.getAndSet(0);
            heldFrom.release(taken);
            synchronized (waitLock) {
                if (waiting) {
                    thread.interrupt();
                }
            }
        }

        /** Enters an interruptible wait; false once stopped (stop() then no longer interrupts a receive). */
        private boolean beginWait() {
            synchronized (waitLock) {
                if (stopped) {
                    return false;
                }
                waiting = true;
                return true;
            }
        }

        private void endWait() {
            synchronized (waitLock) {
                waiting = false;
            }
            Thread.interrupted(); // a stop that raced the wait's end must not abort the next SDK call
        }

        void run() {
            try {
                receiveUntilStopped();
            } finally {
                // a loop stopped mid-poll stays listed: abandonedPollRemaining() must see its open receive
                if (pollOpenUntil == 0) {
                    running.remove(this);
                }
                loops.decrementAndGet();
                listener.onReceiveLoopEnded(queueUrl, Thread.currentThread());
            }
        }

        private void receiveUntilStopped() {
            String attemptId = newAttemptId();
            boolean lastEmpty = false;
            boolean lastFull = false;
            boolean permanentLogged = false;
            while (!stopped) {
                int permits;
                if (!beginWait()) {
                    break;
                }
                // while handlers run inline, a receive reserves from the receive-ahead budget and takes handler
                // capacity only once its messages are here (docs/worker-engine.md, "Receiving ahead while handlers are quick")
                ConcurrencyLimiter source = aheadNow() ? receiveAhead : limiter;
                try {
                    // into a backlog, wait for room for a whole batch: a smaller receive costs a call for
                    // fewer messages and leaves the rest for another (docs/worker-engine.md, "Full batches")
                    permits = lastFull ? source.acquireAll(fullBatch) : source.acquireUpTo(lastEmpty ? 1 : fullBatch);
                } catch (InterruptedException e) {
                    break;
                } finally {
                    endWait();
                }
                heldFrom = source;
                held.set(permits);
                if (stopped) { // stop() may have looked before the set: whichever takes the capacity gives it back
                    source.release(held.getAndSet(0));
                    break;
                }
                List<Message> received;
                try {
                    listener.beforeReceive(queueUrl);
                    received = receive(permits, attemptId);
                } catch (RuntimeException e) { // SdkException and anything a listener throws
                    source.release(held.getAndSet(0));
                    if (stopped) {
                        break; // e.g. the caller closed the client after stopping us: not an error
                    }
                    pollOpenUntil = 0; // the call failed: no receive of ours is open
                    int errors = consecutiveErrors.incrementAndGet();
                    if (!extra && failedLoops.incrementAndGet() >= baseLoops) {
                        firstPoll.completeExceptionally(e);
                    }
                    listener.onReceiveError(queueUrl, e);
                    Duration pause = ERROR_BACKOFF.delayFor(errors);
                    if (SqsErrors.isPermanent(e)) {
                        listener.onPermanentError(queueUrl, "ReceiveMessage", SqsErrors.describe(e));
                        if (!permanentLogged) {
                            permanentLogged = true;
                            log.error("ReceiveMessage on {} is refused ({}): nothing can be consumed until this is fixed. "
                                    + "Check the queue URL and that the task role may sqs:ReceiveMessage on it; retrying every few seconds",
                                    queueName, SqsErrors.describe(e));
                        }
                    } else {
                        log.warn("receive from {} failed ({} in a row): {}; polling again in {} ms",
                                queueName, errors, e.toString(), pause.toMillis());
                    }
                    if (extra || !sleep(pause)) {
                        break; // an extra loop is not needed while receives fail
                    }
                    continue;
                }
                Instant receivedAt = clock.instant();
                long receivedNanos = System.nanoTime();
                int mine = held.getAndSet(0);
                if (mine == 0) {
                    // stop() took this receive's capacity back: the messages are nobody's, return them
                    releaseUnclaimed(received, receivedAt, receivedNanos);
                    break;
                }
                permanentLogged = false;
                consecutiveErrors.set(0);
                attemptId = newAttemptId();
                firstPoll.complete(null);
                // reported before any wait for handler capacity below: health must read that wait as a full
                // worker, not as a receive that never returns
                listener.onReceive(queueUrl, received.size());
                if (source == receiveAhead) {
                    // the messages are here: trade the reservation for handler capacity, one unit each
                    boolean claimed = received.isEmpty() || claimHandlerCapacity(received.size());
                    receiveAhead.release(mine);
                    if (!claimed) { // stopped while waiting: the messages are nobody's, return them
                        releaseUnclaimed(received, receivedAt, receivedNanos);
                        break;
                    }
                } else {
                    limiter.release(mine - received.size());
                }
                lastEmpty = received.isEmpty();
                boolean full = received.size() == options.receiveBatchSize();
                lastFull = full;
                if (!received.isEmpty() && hand(this, received, receivedAt, receivedNanos)) {
                    break; // this thread runs a stalled handler now; a fresh loop has taken over
                }
                ConcurrencyLimiter next = aheadNow() ? receiveAhead : limiter;
                if (full && next.available() >= fullBatch && !stopped) {
                    tryAddLoop(next == receiveAhead ? MAX_LOOPS : maxLoops); // a backlog: one more receive in flight
                } else if (extra && !full) {
                    break; // the backlog is drained: back to the fixed loops
                }
            }
            log.debug("receive loop for {} stopped", queueName);
        }

        /**
         * Waits until handler capacity for {@code count} messages that are already here is free, taking it
         * all at once (a loop holding part of it while waiting for the rest could block another for good).
         * False if the poller stopped meanwhile.
         */
        private boolean claimHandlerCapacity(int count) {
            return waitInterruptibly(() -> limiter.acquireAll(count));
        }

        private List<Message> receive(int maxMessages, String attemptId) {
            ReceiveMessageRequest.Builder request = ReceiveMessageRequest.builder()
                    .queueUrl(queueUrl)
                    .maxNumberOfMessages(maxMessages)
                    .waitTimeSeconds((int) options.waitTime().toSeconds())
                    .visibilityTimeout(visibilitySeconds())
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL)
                    .messageAttributeNames("All");
            if (fifo) {
                request.receiveRequestAttemptId(attemptId);
            }
            // one second of slack for the request's travel time
            pollOpenUntil = System.nanoTime() + options.waitTime().plusSeconds(1).toNanos();
            List<Message> messages = sqs.receiveMessage(request.build()).messages();
            pollOpenUntil = 0; // not on an abort: the server may still hold that receive open
            return messages;
        }

        private boolean sleep(Duration pause) {
            return waitInterruptibly(() -> Thread.sleep(pause)) && !stopped;
        }

        /** Runs a wait that {@link #stop} may interrupt; false if stopped before or during it. */
        private boolean waitInterruptibly(InterruptibleWait wait) {
            if (!beginWait()) {
                return false;
            }
            try {
                wait.run();
                return true;
            } catch (InterruptedException e) {
                return false;
            } finally {
                endWait();
            }
        }
    }

    private interface InterruptibleWait {
        void run() throws InterruptedException;
    }

    /** Whether a receive now would run inline: only a standard queue's quick handlers do (FIFO order needs its dispatcher). */
    private boolean aheadNow() {
        return dispatcher instanceof StandardDispatcher standard && standard.runsInline(options.receiveBatchSize());
    }

    private void releaseUnclaimed(List<Message> received, Instant receivedAt, long receivedNanos) {
        if (received.isEmpty()) {
            return;
        }
        log.info("a receive from {} returned {} message(s) as it stopped; handing them back", queueName, received.size());
        settler.releaseUnclaimed(inFlight(received, receivedAt, receivedNanos));
    }

    /** Hands a received batch to processing; true if the loop has to end (its run stalled and it was replaced). */
    private boolean hand(Loop loop, List<Message> received, Instant receivedAt, long receivedNanos) {
        List<InFlight> batch = inFlight(received, receivedAt, receivedNanos);
        batch.forEach(registry::add);
        if (stopped) {
            // the receive completed as we were stopping: hand the messages straight back
            settler.release(batch);
            return false;
        }
        if (dispatcher instanceof StandardDispatcher standard && standard.runsInline(batch.size())) {
            StandardDispatcher.Outcome outcome = standard.runInline(batch, () -> replace(loop));
            // an interrupt meant for a handler that ran here (timeout, shutdown) may land just after it
            // returned: it must not abort this delete
            Thread.interrupted();
            settler.deleteNow(queueUrl, outcome.succeeded());
            return outcome.stalled();
        }
        dispatcher.dispatch(batch);
        return false;
    }

    /**
     * On the inline watch's thread: a handler stalled the batch {@code loop} runs inline, so the loop
     * is a handler's thread now. A fresh loop takes its place (the stalled one ends after its run).
     */
    private void replace(Loop loop) {
        listener.onReceiveLoopEnded(queueUrl, loop.thread);
        if (!stopped) {
            loops.incrementAndGet();
            startLoop(loop.extra);
        }
    }

    /** The received messages as held since the receive returned, their visibility counted from then. */
    private List<InFlight> inFlight(List<Message> received, Instant receivedAt, long receivedNanos) {
        Instant visibleUntil = receivedAt.plus(options.visibilityTimeout());
        List<InFlight> batch = new ArrayList<>(received.size());
        for (Message message : received) {
            batch.add(new InFlight(toQueueMessage(message, receivedAt), receivedNanos, visibleUntil));
        }
        return batch;
    }

    private QueueMessage toQueueMessage(Message message, Instant receivedAt) {
        Map<String, MessageAttribute> attributes = new HashMap<>();
        message.messageAttributes().forEach((name, value) -> attributes.put(name, new MessageAttribute(
                value.dataType(), value.stringValue(), value.binaryValue() == null ? null : value.binaryValue().asByteBuffer())));
        return new QueueMessage(queueUrl, message.messageId(), message.receiptHandle(),
                message.body() == null ? "" : message.body(), message.attributesAsStrings(), attributes, receivedAt);
    }

    private int visibilitySeconds() {
        return Math.max(1, SqsLimits.visibilitySeconds(options.visibilityTimeout()));
    }

    private String newAttemptId() {
        return fifo ? UUID.randomUUID().toString() : null;
    }
}
