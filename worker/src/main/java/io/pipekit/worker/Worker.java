package io.pipekit.worker;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Consumes one or more SQS queues with a {@link MessageHandler}.
 *
 * <pre>{@code
 * try (Worker worker = Worker.start(sqs, WorkerOptions.builder(queueUrl).maxConcurrency(200).build(),
 *         message -> process(message.body()))) {
 *     ... // runs until closed; close() drains in-flight work within the shutdown budget
 * }
 * }</pre>
 *
 * <p>A message is deleted only after its handler returned. A failed message is retried after a
 * backoff, and the queue's redrive policy eventually moves it to its dead-letter queue. Work in
 * flight is kept invisible by a heartbeat for as long as its handler runs.
 */
public final class Worker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Worker.class);

    private final WorkerOptions options;
    private final ConcurrencyLimiter limiter;
    private final InFlightRegistry registry;
    private final MessageSettler settler;
    private final VisibilityHeartbeat heartbeat;
    private final DeleteBatcher deletes;
    private final InlineWatch inlineWatch = new InlineWatch();
    private final List<QueuePoller> pollers = new ArrayList<>();
    private volatile boolean stopping;
    private ShutdownReport shutdownReport;

    private Worker(SqsClient sqs, WorkerOptions options, MessageHandler handler, List<WorkerListener> listeners, Clock clock) {
        this.options = options;
        WorkerListener listener = new CompositeListener(listeners);
        this.limiter = new ConcurrencyLimiter(options.maxConcurrency());
        this.registry = new InFlightRegistry(listener);
        Duration callTimeout = VisibilityChanges.callTimeoutFor(options.visibilityTimeout(), options.heartbeatFraction());
        VisibilityChanges visibility = new VisibilityChanges(sqs, callTimeout);
        // shared by every queue's loops while their handlers run inline (docs/worker-engine.md, "Receiving ahead while handlers are quick")
        ConcurrencyLimiter receiveAhead = new ConcurrencyLimiter(QueuePoller.MAX_LOOPS * options.receiveBatchSize());
        // room for what receiving ahead brings in besides maxConcurrency's worth from handler threads: an inline
        // success that finds none keeps its handler capacity through the delete (docs/worker-engine.md,
        // "Delete batching; a message is held until its delete is answered")
        ConcurrencyLimiter deleteCapacity = new ConcurrencyLimiter(options.maxConcurrency() + receiveAhead.capacity());
        this.settler = new MessageSettler(registry, visibility, limiter, deleteCapacity, listener, options.backoff(), this::releaseDelay);
        // a pending delete is still heartbeated, so its call may take longer than a visibility call;
        // too short a bound only makes a slow-but-successful delete look failed on its retry
        Duration deleteTimeout = callTimeout.compareTo(Duration.ofSeconds(10)) > 0 ? callTimeout : Duration.ofSeconds(10);
        this.deletes = new DeleteBatcher(sqs, options.deleteFlushInterval(), deleteTimeout, options.maxConcurrency(), listener,
                settler::deleteDone, clock);
        settler.deletes(deletes);
        this.heartbeat = new VisibilityHeartbeat(registry, visibility,
                new HeartbeatSchedule(options.visibilityTimeout(), options.heartbeatFraction()), settler,
                options.handlerTimeout(), listener, clock);
        MessageProcessor processor = new MessageProcessor(handler, settler);
        Dispatcher fifo = new FifoDispatcher(processor, settler, () -> stopping);
        for (String queueUrl : options.queueUrls()) {
            // one per standard queue: each keeps its own queue's handler pace
            Dispatcher dispatcher = WorkerOptions.isFifo(queueUrl) ? fifo : new StandardDispatcher(processor, inlineWatch);
            pollers.add(new QueuePoller(queueUrl, sqs, options, limiter, receiveAhead, registry, dispatcher, settler, listener, clock));
        }
    }

    /** Starts consuming. The caller keeps ownership of {@code sqs} and closes it after the worker. */
    public static Worker start(SqsClient sqs, WorkerOptions options, MessageHandler handler, WorkerListener... listeners) {
        return start(sqs, options, handler, List.of(listeners), Clock.systemUTC());
    }

    public static Worker start(SqsClient sqs, WorkerOptions options, MessageHandler handler,
                               List<WorkerListener> listeners, Clock clock) {
        Worker worker = new Worker(sqs, options, handler, listeners, clock);
        worker.deletes.start();
        worker.heartbeat.start();
        worker.inlineWatch.start();
        worker.pollers.forEach(QueuePoller::start);
        log.info("worker started: {} queue(s), up to {} messages in flight, visibility {}s",
                options.queueUrls().size(), options.maxConcurrency(), options.visibilityTimeout().toSeconds());
        return worker;
    }

    /**
     * Completes once every queue has answered a receive; fails with a queue's receive error when
     * its first receives all failed.
     */
    public CompletableFuture<Void> firstPoll() {
        return CompletableFuture.allOf(pollers.stream().map(QueuePoller::firstPoll).toArray(CompletableFuture[]::new));
    }

    /** Messages currently held: handlers running, plus succeeded messages whose delete is not yet acknowledged. */
    public int inFlight() {
        return registry.size();
    }

    public WorkerOptions options() {
        return options;
    }

    /** Zero while running; while stopping, until no aborted receive can capture a released message. */
    private Duration releaseDelay() {
        if (!stopping) {
            return Duration.ZERO;
        }
        return pollers.stream().map(QueuePoller::abandonedPollRemaining).max(Duration::compareTo).orElse(Duration.ZERO);
    }

    /** Shuts down within {@link WorkerOptions#shutdownBudget()}. */
    @Override
    public void close() {
        shutdown(options.shutdownBudget());
    }

    /**
     * Stops receiving at once (without waiting for the long polls that are out: what they still
     * return is handed back to SQS), lets in-flight handlers
     * finish within {@code budget}, releases whatever is still running (visibility 0, so another
     * worker picks it up immediately), and flushes pending deletes. Idempotent.
     */
    public synchronized ShutdownReport shutdown(Duration budget) {
        if (shutdownReport != null) {
            return shutdownReport;
        }
        long start = System.nanoTime();
        stopping = true;
        pollers.forEach(QueuePoller::stopReceiving); // all first: see QueuePoller.stopReceiving
        pollers.forEach(QueuePoller::stop);
        deletes.flushNow(); // the drain waits for deletes to be acknowledged: none waits for a batch to fill
        int heldAtStop = registry.size();
        boolean clean;
        boolean interrupted = false;
        try {
            long deadline = System.nanoTime() + budget.toNanos();
            clean = limiter.awaitInUseAtMost(0, budget)
                    && settler.awaitDeletes(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        } catch (InterruptedException e) {
            // an interrupt cuts the drain short (e.g. a second SIGTERM); the releases and the delete
            // flush below must still run, so the flag is restored only at the end — set, it would
            // abort their SDK calls and the flusher join
            interrupted = true;
            clean = false;
        }
        int released = 0;
        if (!clean) {
            Collection<InFlight> unfinished = registry.snapshot();
            released = settler.release(new ArrayList<>(unfinished));
            unfinished.forEach(InFlight::interruptHandler);
            log.warn("shutdown budget of {}s ran out: released {} unfinished message(s) for another worker",
                    budget.toSeconds(), released);
        }
        heartbeat.close();
        inlineWatch.close();
        deletes.close();
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        Duration receivesOpenFor = pollers.stream().map(QueuePoller::abandonedPollRemaining).max(Duration::compareTo).orElse(Duration.ZERO);
        shutdownReport = new ShutdownReport(took, Math.max(0, heldAtStop - released), released, clean, receivesOpenFor);
        log.info("worker stopped in {} ms: {} drained, {} released", took.toMillis(), shutdownReport.drained(), released);
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return shutdownReport;
    }
}
