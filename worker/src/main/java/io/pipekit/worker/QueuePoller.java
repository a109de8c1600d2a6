package io.pipekit.worker;

import io.pipekit.worker.MessageAttribute;
import io.pipekit.worker.QueueMessage;
import io.pipekit.worker.WorkerListener;
import io.pipekit.worker.WorkerOptions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;

/**
 * Long-polls one queue on its own virtual thread, separate from processing.
 *
 * <p>Before each receive it takes capacity from the shared {@link ConcurrencyLimiter} and asks SQS
 * for no more messages than it got, so a full worker leaves the backlog visible. Receive errors
 * never end the loop: it backs off (exponentially, with jitter, up to 20 s) and polls again. On
 * FIFO queues a failed receive is retried with the same {@code ReceiveRequestAttemptId}, so
 * messages SQS handed out in a lost response come back to us rather than sitting invisible.
 */
final class QueuePoller {

    private static final Logger log = LoggerFactory.getLogger(QueuePoller.class);
    /**
     * Pause after a failed receive: 100 ms doubling to at most 3 s. The cap is what bounds the time to
     * notice that SQS is back after an outage (≤ 3 s plus one call), so it stays short.
     */
    private static final BackoffPolicy ERROR_BACKOFF = BackoffPolicy.exponential(Duration.ofMillis(100), 2.0, Duration.ofSeconds(3));

    private final String queueUrl;
    private final SqsClient sqs;
    private final WorkerOptions options;
    private final ConcurrencyLimiter limiter;
    private final InFlightRegistry registry;
    private final Dispatcher dispatcher;
    private final MessageSettler settler;
    private final WorkerListener listener;
    private final Clock clock;
    private final boolean fifo;
    private final CompletableFuture<Void> firstPoll = new CompletableFuture<>();
    private volatile boolean running = true;
    private volatile Thread thread;
    /** While a receive is out: when the server gives up on it even if we hung up (nanoTime). */
    private volatile long pollOpenUntil;

    public QueuePoller(String queueUrl, SqsClient sqs, WorkerOptions options, ConcurrencyLimiter limiter,
                       InFlightRegistry registry, Dispatcher dispatcher, MessageSettler settler,
                       WorkerListener listener, Clock clock) {
        this.queueUrl = queueUrl;
        this.sqs = sqs;
        this.options = options;
        this.limiter = limiter;
        this.registry = registry;
        this.dispatcher = dispatcher;
        this.settler = settler;
        this.listener = listener;
        this.clock = clock;
        this.fifo = WorkerOptions.isFifo(queueUrl);
    }

    public void start() {
        thread = Thread.ofVirtual().name("pipekit-poller-" + WorkerOptions.queueName(queueUrl)).start(this::run);
    }

    public String queueUrl() {
        return queueUrl;
    }

    /** Completes after the first receive succeeded, or exceptionally with the first receive's error. */
    public CompletableFuture<Void> firstPoll() {
        return firstPoll;
    }

    /**
     * Stops receiving at once: the outstanding long poll is aborted by interrupting the virtual
     * thread, whose socket read is interruptible.
     *
     * <p>Hanging up does not cancel the receive on the server: until its wait time ends, a message
     * that becomes visible may still be handed to the abandoned request and stay invisible for a
     * whole visibility timeout (seen with ElasticMQ; SQS documents no cancel either). Hence
     * {@link #abandonedPollRemaining()}.
     */
    public void stop() {
        running = false;
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }

    /** How much longer an aborted receive may still capture messages on the server. */
    public Duration abandonedPollRemaining() {
        long until = pollOpenUntil;
        long left = until - System.nanoTime();
        return until == 0 || left <= 0 ? Duration.ZERO : Duration.ofNanos(left);
    }

    public void awaitStopped(Duration timeout) throws InterruptedException {
        Thread t = thread;
        if (t != null) {
            t.join(timeout);
        }
    }

    private void run() {
        int consecutiveErrors = 0;
        String attemptId = newAttemptId();
        while (running) {
            int permits;
            try {
                permits = limiter.acquireUpTo(options.receiveBatchSize());
            } catch (InterruptedException e) {
                break;
            }
            List<Message> received;
            try {
                listener.beforeReceive(queueUrl);
                received = receive(permits, attemptId);
            } catch (RuntimeException e) { // SdkException and anything a listener throws
                limiter.release(permits);
                if (!running) {
                    break; // the abort of the long poll on stop, not an error
                }
                consecutiveErrors++;
                firstPoll.completeExceptionally(e);
                listener.onReceiveError(queueUrl, e);
                Duration pause = errorBackoff(consecutiveErrors);
                log.warn("receive from {} failed ({} in a row): {}; polling again in {} ms",
                        WorkerOptions.queueName(queueUrl), consecutiveErrors, e.toString(), pause.toMillis());
                if (!sleep(pause)) {
                    break;
                }
                continue;
            }
            consecutiveErrors = 0;
            attemptId = newAttemptId();
            firstPoll.complete(null);
            listener.onReceive(queueUrl, received.size());
            limiter.release(permits - received.size());
            if (!received.isEmpty()) {
                hand(received);
            }
        }
        log.debug("poller for {} stopped", WorkerOptions.queueName(queueUrl));
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
        pollOpenUntil = 0;
        return messages;
    }

    private void hand(List<Message> received) {
        Instant now = clock.instant();
        long nowNanos = System.nanoTime();
        Instant visibleUntil = now.plus(options.visibilityTimeout());
        List<InFlight> batch = new ArrayList<>(received.size());
        for (Message message : received) {
            InFlight inFlight = new InFlight(toQueueMessage(message, now), nowNanos, visibleUntil);
            registry.add(inFlight);
            batch.add(inFlight);
        }
        if (!running) {
            // the receive completed as we were stopping: hand the messages straight back
            settler.release(batch);
            return;
        }
        dispatcher.dispatch(batch);
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

    private static Duration errorBackoff(int consecutiveErrors) {
        return ERROR_BACKOFF.delayFor(consecutiveErrors);
    }

    private boolean sleep(Duration pause) {
        try {
            Thread.sleep(pause);
            return running;
        } catch (InterruptedException e) {
            return false;
        }
    }

    private String newAttemptId() {
        return fifo ? UUID.randomUUID().toString() : null;
    }

}
