package io.pipekit.pipes.bus;

import io.pipekit.pipes.internal.Backoff;
import io.pipekit.pipes.model.AwsLimits;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/**
 * Delivers one rule target's events to its SQS queue (docs/aws-behaviour.md §2.4).
 *
 * <p>Events are sent as soon as they are matched: whatever is waiting goes out in one
 * {@code SendMessageBatch} (no lingering, so a lone event costs one round trip), on up to
 * {@link #MAX_SENDERS} virtual threads. A failed event never holds up later ones: an error that
 * retrying cannot fix (queue missing, no permission, an invalid message) goes to the target's DLQ at
 * once; any other error schedules a retry with exponential backoff and jitter until the target's
 * {@code RetryPolicy} runs out ({@code MaximumRetryAttempts} or {@code MaximumEventAgeInSeconds}),
 * then the DLQ. The DLQ message is the original event with AWS's attributes ({@link #deadLetter}).
 * EventBridge gives no ordering guarantee for rule targets, and neither does this.
 */
final class TargetDispatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TargetDispatcher.class);
    /** Concurrent SendMessageBatch calls per target: enough to keep ElasticMQ busy, few enough to keep a burst polite. */
    static final int MAX_SENDERS = 4;
    /** DLQ sends are retried a few times on errors that may pass; then the event is dropped, as AWS does (InvocationsFailedToBeSentToDLQ). */
    private static final int DLQ_ATTEMPTS = 3;

    /**
     * One event for this target: the body to send, its FIFO group, the original §2.1 event (the DLQ
     * body), when the bus took it, and how many retries it has had.
     */
    record Delivery(String body, String messageGroupId, String event, Instant ingested, int retries) {
        Delivery retried() {
            return new Delivery(body, messageGroupId, event, ingested, retries + 1);
        }
    }

    /**
     * Why a delivery failed, as the DLQ's {@code ERROR_CODE} names it (docs/aws-behaviour.md §2.4),
     * and whether retrying may help.
     */
    record Failure(String code, String message, boolean retryable) {}

    private final SqsClient sqs;
    private final String ruleArn;
    private final BusTarget target;
    private final Backoff backoff;
    private final ScheduledExecutorService timer;
    private final Clock clock;
    private final Queue<Delivery> pending = new ConcurrentLinkedQueue<>();
    private final AtomicInteger senders = new AtomicInteger();
    private final Map<String, String> queueUrls = new ConcurrentHashMap<>();
    private volatile boolean open = true;

    TargetDispatcher(SqsClient sqs, String ruleArn, BusTarget target, Backoff backoff, ScheduledExecutorService timer, Clock clock) {
        this.sqs = sqs;
        this.ruleArn = ruleArn;
        this.target = target;
        this.backoff = backoff;
        this.timer = timer;
        this.clock = clock;
    }

    void enqueue(Delivery delivery) {
        if (!open) {
            return;
        }
        pending.add(delivery);
        startSenderIfNeeded();
    }

    private void startSenderIfNeeded() {
        while (true) {
            int running = senders.get();
            if (running >= MAX_SENDERS || pending.isEmpty()) {
                return;
            }
            if (senders.compareAndSet(running, running + 1)) {
                Thread.ofVirtual().name("bus-target-" + target.id()).start(this::drain);
                return;
            }
        }
    }

    private void drain() {
        try {
            while (open) {
                List<Delivery> batch = takeBatch();
                if (batch.isEmpty()) {
                    return;
                }
                send(batch);
            }
        } finally {
            senders.decrementAndGet();
            // an event enqueued between our last empty poll and the decrement must not wait for the next one
            if (open) {
                startSenderIfNeeded();
            }
        }
    }

    private List<Delivery> takeBatch() {
        List<Delivery> batch = new ArrayList<>(AwsLimits.SQS_BATCH_ENTRIES);
        int bytes = 0;
        while (batch.size() < AwsLimits.SQS_BATCH_ENTRIES) {
            Delivery next = pending.peek();
            if (next == null) {
                break;
            }
            int size = next.body().getBytes(StandardCharsets.UTF_8).length;
            if (!batch.isEmpty() && bytes + size > AwsLimits.SQS_BATCH_BYTES) {
                break;
            }
            if (pending.remove(next)) {
                batch.add(next);
                bytes += size;
            }
        }
        return batch;
    }

    private void send(List<Delivery> batch) {
        String url;
        try {
            url = queueUrl(target.arn());
        } catch (SdkException e) {
            Failure failure = classify(e);
            batch.forEach(d -> failed(d, failure));
            return;
        }
        List<SendMessageBatchRequestEntry> entries = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            Delivery d = batch.get(i);
            entries.add(SendMessageBatchRequestEntry.builder().id(Integer.toString(i)).messageBody(d.body()).messageGroupId(d.messageGroupId()).build());
        }
        try {
            SendMessageBatchResponse response = sqs.sendMessageBatch(b -> b.queueUrl(url).entries(entries));
            for (BatchResultErrorEntry error : response.failed()) {
                // a sender fault (invalid body, too large) fails again on every retry; anything else may pass
                boolean retryable = !Boolean.TRUE.equals(error.senderFault());
                failed(batch.get(Integer.parseInt(error.id())),
                        new Failure(retryable ? "ERROR_FROM_TARGET" : "INVALID_PARAMETER", error.code() + ": " + error.message(), retryable));
            }
        } catch (SdkException e) {
            Failure failure = classify(e);
            if (!failure.retryable()) {
                queueUrls.remove(target.arn()); // the queue may come back under a new URL
            }
            batch.forEach(d -> failed(d, failure));
        } catch (RuntimeException e) {
            LOG.warn("bus target {}: unexpected failure sending to {}", target.id(), target.arn(), e);
            batch.forEach(d -> failed(d, new Failure("UNKNOWN", e.toString(), true)));
        }
    }

    /**
     * The DLQ error code of an SQS failure (docs/aws-behaviour.md §2.4): a missing queue is
     * {@code NO_RESOURCE} and a refused one {@code NO_PERMISSIONS}, neither retried; throttling,
     * server errors, timeouts and connection failures are retried.
     */
    static Failure classify(SdkException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (e instanceof AwsServiceException service) {
            String code = service.awsErrorDetails() == null ? "" : String.valueOf(service.awsErrorDetails().errorCode());
            int status = service.statusCode();
            if (code.contains("NonExistentQueue") || code.equals("QueueDoesNotExist") || code.equals("ResourceNotFoundException")) {
                return new Failure("NO_RESOURCE", message, false);
            }
            if (status == 403 || code.contains("AccessDenied") || code.equals("KMS.AccessDeniedException")) {
                return new Failure("NO_PERMISSIONS", message, false);
            }
            if (service.isThrottlingException() || status == 429) {
                return new Failure("THROTTLING", message, true);
            }
            if (status >= 500) {
                return new Failure("ERROR_FROM_TARGET", message, true);
            }
            return new Failure("INVALID_PARAMETER", message, false);
        }
        if (e instanceof ApiCallTimeoutException) {
            return new Failure("TIMEOUT", message, true);
        }
        if (e instanceof SdkClientException) {
            return new Failure("CONNECTION_FAILURE", message, true);
        }
        return new Failure("UNKNOWN", message, true);
    }

    private void failed(Delivery delivery, Failure failure) {
        if (!failure.retryable()) {
            deadLetter(delivery, failure, null);
            return;
        }
        Duration age = Duration.between(delivery.ingested(), clock.instant());
        if (age.compareTo(target.maximumEventAge()) >= 0) {
            deadLetter(delivery, failure, "MaximumEventAgeInSeconds");
            return;
        }
        if (delivery.retries() >= target.maximumRetryAttempts()) {
            deadLetter(delivery, failure, "MaximumRetryAttempts");
            return;
        }
        // never wait past the event's age limit: the retry then either succeeds or ends it
        Duration delay = backoff.delay(delivery.retries());
        Duration left = target.maximumEventAge().minus(age);
        if (delay.compareTo(left) > 0) {
            delay = left;
        }
        LOG.debug("bus target {} ({}): {} ({}), retry {} of {} in {} ms", target.id(), target.arn(), failure.code(), failure.message(),
                delivery.retries() + 1, target.maximumRetryAttempts(), delay.toMillis());
        schedule(() -> enqueue(delivery.retried()), delay);
    }

    private void schedule(Runnable task, Duration delay) {
        if (!open) {
            return;
        }
        try {
            // a retry that comes due after close() finds the dispatcher closed and is dropped by enqueue
            timer.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.debug("bus target {}: bus closed, retry dropped", target.id());
        }
    }

    /**
     * Sends the original event to the target's DLQ with the attributes AWS documents
     * (docs/aws-behaviour.md §2.4): {@code RULE_ARN}, {@code TARGET_ARN}, {@code ERROR_CODE},
     * {@code ERROR_MESSAGE}, {@code RETRY_ATTEMPTS}, and {@code EXHAUSTED_RETRY_CONDITION} only when a
     * retry limit ended the delivery. Without a DLQ the event is dropped, as AWS does.
     */
    private void deadLetter(Delivery delivery, Failure failure, String exhausted) {
        if (target.deadLetterArn() == null) {
            LOG.warn("bus target {} ({}): event dropped after {} retries, no DeadLetterConfig ({}: {})",
                    target.id(), target.arn(), delivery.retries(), failure.code(), failure.message());
            return;
        }
        Map<String, MessageAttributeValue> attributes = new LinkedHashMap<>();
        attributes.put("RULE_ARN", string(ruleArn));
        attributes.put("TARGET_ARN", string(target.arn()));
        attributes.put("ERROR_CODE", string(failure.code()));
        attributes.put("ERROR_MESSAGE", string(failure.message()));
        if (exhausted != null) {
            attributes.put("EXHAUSTED_RETRY_CONDITION", string(exhausted));
        }
        attributes.put("RETRY_ATTEMPTS", string(Integer.toString(delivery.retries())));
        sendToDlq(delivery, Map.copyOf(attributes), 0);
    }

    private void sendToDlq(Delivery delivery, Map<String, MessageAttributeValue> attributes, int attempt) {
        try {
            String url = queueUrl(target.deadLetterArn());
            sqs.sendMessage(b -> b.queueUrl(url).messageBody(delivery.event()).messageAttributes(attributes));
        } catch (SdkException e) {
            Failure failure = classify(e);
            queueUrls.remove(target.deadLetterArn());
            if (failure.retryable() && attempt + 1 < DLQ_ATTEMPTS) {
                schedule(() -> Thread.ofVirtual().start(() -> sendToDlq(delivery, attributes, attempt + 1)), backoff.delay(attempt));
                return;
            }
            LOG.error("bus target {}: DLQ {} refused the event ({}: {}); the event is lost, as on AWS (InvocationsFailedToBeSentToDLQ)",
                    target.id(), target.deadLetterArn(), failure.code(), failure.message());
        }
    }

    private String queueUrl(String queueArn) {
        String cached = queueUrls.get(queueArn);
        if (cached != null) {
            return cached;
        }
        String[] parts = queueArn.split(":", 6);
        String url = sqs.getQueueUrl(b -> b.queueName(parts[5]).queueOwnerAWSAccountId(parts[4])).queueUrl();
        queueUrls.put(queueArn, url);
        return url;
    }

    private static MessageAttributeValue string(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }

    /** Stops sending; events still waiting are logged and lost with the bus, retries that come due are dropped. */
    @Override
    public void close() {
        open = false;
        int lost = pending.size();
        pending.clear();
        if (lost > 0) {
            LOG.warn("bus target {}: {} undelivered events dropped at shutdown", target.id(), lost);
        }
    }
}
