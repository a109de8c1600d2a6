package io.pipekit.testkit;

import io.pipekit.producers.internal.targets.SnsEnvelope;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * A queue on the embedded stack, with its dead-letter queue when it has one: what a worker consumes
 * and what a test sends to or inspects.
 */
public final class TestQueue {

    private final SqsClient sqs;
    private final String name;
    private final String url;
    private final String deadLetterUrl;

    private TestQueue(SqsClient sqs, String name, String url, String deadLetterUrl) {
        this.sqs = sqs;
        this.name = name;
        this.url = url;
        this.deadLetterUrl = deadLetterUrl;
    }

    static TestQueue create(SqsClient sqs, String name, Duration visibility, int maxReceives) {
        boolean fifo = name.endsWith(".fifo");
        Map<QueueAttributeName, String> attributes = new HashMap<>();
        attributes.put(QueueAttributeName.VISIBILITY_TIMEOUT, Long.toString(visibility.toSeconds()));
        if (fifo) {
            attributes.put(QueueAttributeName.FIFO_QUEUE, "true");
            attributes.put(QueueAttributeName.CONTENT_BASED_DEDUPLICATION, "true");
        }
        String deadLetterUrl = null;
        if (maxReceives > 0) {
            String dlqName = fifo ? name.substring(0, name.length() - 5) + "-dlq.fifo" : name + "-dlq";
            Map<QueueAttributeName, String> dlqAttributes = new HashMap<>();
            if (fifo) {
                dlqAttributes.put(QueueAttributeName.FIFO_QUEUE, "true");
            }
            deadLetterUrl = sqs.createQueue(b -> b.queueName(dlqName).attributes(dlqAttributes)).queueUrl();
            String dlqUrl = deadLetterUrl;
            String dlqArn = sqs.getQueueAttributes(b -> b.queueUrl(dlqUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                    .attributes().get(QueueAttributeName.QUEUE_ARN);
            attributes.put(QueueAttributeName.REDRIVE_POLICY,
                    "{\"maxReceiveCount\":\"" + maxReceives + "\",\"deadLetterTargetArn\":\"" + dlqArn + "\"}");
        }
        String url = sqs.createQueue(b -> b.queueName(name).attributes(attributes)).queueUrl();
        return new TestQueue(sqs, name, url, deadLetterUrl);
    }

    /** A queue that exists already (made by apply, or by the kit for a spec's owned queue). */
    static TestQueue existing(SqsClient sqs, String name) {
        String url = sqs.getQueueUrl(b -> b.queueName(name)).queueUrl();
        return new TestQueue(sqs, name, url, LocalPipekit.redriveTarget(sqs, url));
    }

    public String name() {
        return name;
    }

    public String url() {
        return url;
    }

    public String arn() {
        return sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
    }

    public boolean isFifo() {
        return name.endsWith(".fifo");
    }

    /** The dead-letter queue's URL; throws when the queue has none. */
    public String deadLetterUrl() {
        if (deadLetterUrl == null) {
            throw new IllegalStateException("queue " + name + " has no dead-letter queue (no RedrivePolicy)");
        }
        return deadLetterUrl;
    }

    /** Sends one message; on a FIFO queue in message group {@code "test"}. Returns its message id. */
    public String send(String body) {
        return send(body, "test");
    }

    /** Sends one message in this message group (ignored on a standard queue). Returns its message id. */
    public String send(String body, String messageGroupId) {
        return sqs.sendMessage(b -> {
            b.queueUrl(url).messageBody(body);
            if (isFifo()) {
                b.messageGroupId(messageGroupId);
            }
        }).messageId();
    }

    /**
     * Sends {@code message} the way an SNS topic delivers it to a subscribed queue with raw delivery
     * off (a {@code Notification} envelope; the stack has no SNS). Its signature is a placeholder.
     */
    public String sendSnsNotification(String topicArn, String message) {
        return send(new SnsEnvelope(topicArn).wrap(message, UUID.randomUUID().toString(), Instant.now(), Map.of()));
    }

    /** Messages visible and in flight on the queue (SQS's approximate counts, exact on the local stack). */
    public int depth() {
        return depth(url);
    }

    /** Messages on the dead-letter queue. */
    public int deadLetterDepth() {
        return depth(deadLetterUrl());
    }

    /**
     * The bodies on the dead-letter queue, read without taking them (received with visibility 0, so
     * they stay visible).
     */
    public List<String> deadLetterBodies() {
        return sqs.receiveMessage(b -> b.queueUrl(deadLetterUrl()).maxNumberOfMessages(10).visibilityTimeout(0).waitTimeSeconds(0))
                .messages().stream().map(Message::body).toList();
    }

    private int depth(String queueUrl) {
        return sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                .attributes().values().stream().mapToInt(Integer::parseInt).sum();
    }

    @Override
    public String toString() {
        return name;
    }
}
