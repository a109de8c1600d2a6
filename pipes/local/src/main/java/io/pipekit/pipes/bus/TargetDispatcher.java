package io.pipekit.pipes.bus;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * Delivers one target's events to its SQS queue in order on a virtual thread, retrying with backoff
 * within the target's {@code RetryPolicy} and then using its {@code DeadLetterConfig} (docs/aws-behaviour.md §2.4).
 */
final class TargetDispatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TargetDispatcher.class);

    record Delivery(String body, String messageGroupId, Instant ingested) {}

    private final SqsClient sqs;
    private final String ruleArn;
    private final BusTarget target;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final BlockingQueue<Delivery> queue = new LinkedBlockingQueue<>();
    private final Thread worker;
    private volatile boolean open = true;

    TargetDispatcher(SqsClient sqs, String ruleArn, BusTarget target, Duration initialBackoff, Duration maxBackoff) {
        this.sqs = sqs;
        this.ruleArn = ruleArn;
        this.target = target;
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
        this.worker = Thread.ofVirtual().name("bus-target-" + target.id()).start(this::run);
    }

    void enqueue(Delivery delivery) {
        queue.add(delivery);
    }

    private void run() {
        try {
            while (open) {
                deliver(queue.take());
            }
        } catch (InterruptedException e) {
            if (!queue.isEmpty()) {
                LOG.warn("bus target {}: {} undelivered events dropped at shutdown", target.id(), queue.size());
            }
        }
    }

    private void deliver(Delivery delivery) throws InterruptedException {
        int attempt = 0;
        while (true) {
            String error;
            try {
                String url = queueUrl(target.arn());
                sqs.sendMessage(b -> b.queueUrl(url).messageBody(delivery.body()).messageGroupId(delivery.messageGroupId()));
                return;
            } catch (SdkException e) {
                error = e.getMessage();
            }
            boolean tooOld = Duration.between(delivery.ingested(), Instant.now()).compareTo(target.maximumEventAge()) > 0;
            if (attempt >= target.maximumRetryAttempts() || tooOld) {
                deadLetter(delivery, error);
                return;
            }
            long base = Math.min(maxBackoff.toMillis(), initialBackoff.toMillis() << Math.min(attempt, 20));
            attempt++;
            LOG.warn("bus target {} ({}): delivery failed ({}), retry {} of {}", target.id(), target.arn(), error, attempt, target.maximumRetryAttempts());
            Thread.sleep(base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1));
        }
    }

    private void deadLetter(Delivery delivery, String error) throws InterruptedException {
        if (target.deadLetterArn() == null) {
            LOG.warn("bus target {}: event dropped after {} retries, no DeadLetterConfig (last error: {})", target.id(), target.maximumRetryAttempts(), error);
            return;
        }
        Map<String, MessageAttributeValue> attributes = Map.of(
                "RULE_ARN", string(ruleArn),
                "TARGET_ARN", string(target.arn()),
                "ERROR_CODE", string("SQSError"),
                "ERROR_MESSAGE", string(error == null ? "unknown" : error.length() > 256 ? error.substring(0, 256) : error));
        int attempt = 0;
        while (open) {
            try {
                String url = queueUrl(target.deadLetterArn());
                sqs.sendMessage(b -> b.queueUrl(url).messageBody(delivery.body()).messageAttributes(attributes));
                return;
            } catch (SdkException e) {
                LOG.warn("bus target {}: DLQ {} refused the event ({}), retrying", target.id(), target.deadLetterArn(), e.getMessage());
                Thread.sleep(Math.min(maxBackoff.toMillis(), initialBackoff.toMillis() << Math.min(attempt++, 20)));
            }
        }
    }

    private String queueUrl(String queueArn) {
        String[] parts = queueArn.split(":", 6);
        return sqs.getQueueUrl(b -> b.queueName(parts[5]).queueOwnerAWSAccountId(parts[4])).queueUrl();
    }

    private static MessageAttributeValue string(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }

    @Override
    public void close() {
        open = false;
        worker.interrupt();
    }
}
