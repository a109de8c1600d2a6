package io.pipekit.worker.testing;

import io.pipekit.local.EmbeddedSqs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * JUnit 5 extension: a real ElasticMQ server on a free loopback port for the test class, and real
 * SDK clients for it. Register it as a {@code static} field with {@code @RegisterExtension}.
 *
 * <p>{@link #calls()} counts the SQS API calls the clients made, by operation name, so tests can
 * assert batching without mocking anything.
 */
public final class ElasticMq implements BeforeAllCallback, AfterAllCallback {

    private static final AtomicInteger QUEUE_SEQUENCE = new AtomicInteger();

    private EmbeddedSqs server;
    private SqsClient sqs;
    private final Map<String, AtomicLong> calls = new ConcurrentHashMap<>();

    @Override
    public void beforeAll(ExtensionContext context) {
        server = EmbeddedSqs.start();
        sqs = newClient();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        sqs.close();
        server.close();
    }

    /** The shared client (counted in {@link #calls()}). */
    public SqsClient sqs() {
        return sqs;
    }

    public EmbeddedSqs server() {
        return server;
    }

    /** A new client whose calls are counted too; the caller closes it. */
    public SqsClient newClient() {
        return SqsClient.builder()
                .endpointOverride(server.endpoint())
                .region(EmbeddedSqs.REGION)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClientBuilder(ApacheHttpClient.builder().socketTimeout(Duration.ofSeconds(30)).maxConnections(256))
                .overrideConfiguration(c -> c.addExecutionInterceptor(new ExecutionInterceptor() {
                    @Override
                    public void beforeExecution(Context.BeforeExecution execution, ExecutionAttributes attributes) {
                        String operation = execution.request().getClass().getSimpleName().replace("Request", "");
                        calls.computeIfAbsent(operation, k -> new AtomicLong()).incrementAndGet();
                    }
                }))
                .build();
    }

    /** API calls made so far, by operation (e.g. {@code DeleteMessageBatch}). */
    public long calls(String operation) {
        AtomicLong count = calls.get(operation);
        return count == null ? 0 : count.get();
    }

    public void resetCalls() {
        calls.clear();
    }

    /** A fresh uniquely named queue (name ends in .fifo when {@code fifo}). */
    public String queue(String prefix, boolean fifo, Map<QueueAttributeName, String> attributes) {
        String name = prefix + "-" + QUEUE_SEQUENCE.incrementAndGet() + (fifo ? ".fifo" : "");
        Map<QueueAttributeName, String> all = new java.util.HashMap<>(attributes);
        if (fifo) {
            all.put(QueueAttributeName.FIFO_QUEUE, "true");
        }
        return sqs.createQueue(b -> b.queueName(name).attributes(all)).queueUrl();
    }

    public String queue(String prefix) {
        return queue(prefix, false, Map.of());
    }

    /** A queue whose redrive policy moves a message to a fresh DLQ after {@code maxReceiveCount} receives. */
    public QueuePair queueWithDlq(String prefix, boolean fifo, int maxReceiveCount) {
        String dlq = queue(prefix + "-dlq", fifo, Map.of());
        String dlqArn = sqs.getQueueAttributes(b -> b.queueUrl(dlq).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        String source = queue(prefix, fifo, Map.of(QueueAttributeName.REDRIVE_POLICY,
                "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\"" + maxReceiveCount + "\"}"));
        return new QueuePair(source, dlq);
    }

    public record QueuePair(String queueUrl, String dlqUrl) {}

    /** Sends bodies in batches of 10; FIFO queues get the group and a dedup id per body. */
    public void send(String queueUrl, List<String> bodies, String groupId) {
        for (int from = 0; from < bodies.size(); from += 10) {
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
            for (int i = from; i < Math.min(from + 10, bodies.size()); i++) {
                SendMessageBatchRequestEntry.Builder entry = SendMessageBatchRequestEntry.builder()
                        .id("m" + i).messageBody(bodies.get(i));
                if (groupId != null) {
                    entry.messageGroupId(groupId).messageDeduplicationId(groupId + "-" + i + "-" + bodies.get(i).hashCode());
                }
                entries.add(entry.build());
            }
            var response = sqs.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(entries));
            if (!response.failed().isEmpty()) {
                throw new IllegalStateException("send failed: " + response.failed());
            }
        }
    }

    public void send(String queueUrl, List<String> bodies) {
        send(queueUrl, bodies, null);
    }

    /** Visible + in flight + delayed: every message the queue still holds. */
    public int held(String queueUrl) {
        Map<QueueAttributeName, String> attributes = sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)).attributes();
        return attributes.values().stream().mapToInt(Integer::parseInt).sum();
    }

    public int visible(String queueUrl) {
        return Integer.parseInt(sqs.getQueueAttributes(b -> b.queueUrl(queueUrl)
                .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)).attributes()
                .get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES));
    }

    public int notVisible(String queueUrl) {
        return Integer.parseInt(sqs.getQueueAttributes(b -> b.queueUrl(queueUrl)
                .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes()
                .get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
    }

    /** Receives (and leaves in flight) whatever is visible now, up to 10 per call, until empty. */
    public List<Message> drain(String queueUrl) {
        List<Message> all = new ArrayList<>();
        while (true) {
            List<Message> batch = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(0)
                    .visibilityTimeout(60).messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
            if (batch.isEmpty()) {
                return all;
            }
            all.addAll(batch);
        }
    }
}
