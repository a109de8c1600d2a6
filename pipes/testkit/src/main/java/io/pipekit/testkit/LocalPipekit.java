package io.pipekit.testkit;

import io.pipekit.local.LocalCloud;
import io.pipekit.local.LocalService;
import io.pipekit.pipes.provision.Plan;
import io.pipekit.pipes.spec.SpecLoader;
import io.pipekit.pipes.spec.SubscriptionSpec;
import io.pipekit.pipes.spec.WorkerQueue;
import io.pipekit.worker.MessageHandler;
import io.pipekit.worker.Worker;
import io.pipekit.worker.WorkerOptions;
import io.pipekit.worker.BackoffPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.pipes.PipesClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * One test's (or one test class's) view of the shared embedded stack: its SDK clients, and the
 * queues, subscriptions and workers the test makes — all undone when the test ends, newest first.
 *
 * <pre>{@code
 * @PipekitTest
 * class OrdersTest {
 *     @Test
 *     void everyOrderIsProcessed(LocalPipekit pipekit, TestQueue queue) {
 *         RunningWorker worker = pipekit.runWorker(queue, new OrderHandler());
 *         queue.send("{\"orderId\":\"o-1\"}");
 *         worker.awaitProcessed(1);
 *     }
 * }
 * }</pre>
 */
public final class LocalPipekit implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalPipekit.class);
    /** Receives a worker gets before a message is dead-lettered, on queues this kit creates. */
    public static final int DEFAULT_MAX_RECEIVES = 3;

    private final SharedStack stack;
    private final Deque<AutoCloseable> cleanup = new ArrayDeque<>();

    LocalPipekit(SharedStack stack) {
        this.stack = stack;
    }

    /** The stack itself: endpoints ({@link LocalCloud#environment()} for a worker in another process), pipe metrics. */
    public LocalCloud cloud() {
        return stack.cloud;
    }

    public SqsClient sqs() {
        return stack.cloud.sqsClient();
    }

    public DynamoDbClient dynamoDb() {
        return stack.cloud.dynamoDbClient();
    }

    public EventBridgeClient eventBridge() {
        return stack.cloud.eventBridgeClient();
    }

    public PipesClient pipes() {
        return stack.cloud.pipesClient();
    }

    /** Only with {@code @PipekitTest(kinesis = true)}. */
    public KinesisClient kinesis() {
        if (!stack.cloud.services().contains(LocalService.KINESIS)) {
            throw new IllegalStateException("this stack runs no Kinesis emulator: annotate the test class with @PipekitTest(kinesis = true)");
        }
        return stack.cloud.kinesisClient();
    }

    /**
     * A new standard queue with a dead-letter queue after {@value #DEFAULT_MAX_RECEIVES} receives. Its
     * name is unique; it is not deleted after the test, because ElasticMQ answers a long poll still
     * pending on a deleted queue with an error 21 s later, and the stack is in memory anyway.
     */
    public TestQueue newQueue() {
        return newQueue("test-" + UUID.randomUUID().toString().substring(0, 8), DEFAULT_MAX_RECEIVES);
    }

    /**
     * A new queue with this name (a {@code .fifo} name makes a FIFO queue with content-based
     * deduplication) and a dead-letter queue after {@code maxReceives} receives (0: none).
     */
    public TestQueue newQueue(String name, int maxReceives) {
        return TestQueue.create(sqs(), name, Duration.ofSeconds(30), maxReceives);
    }

    /**
     * Applies a subscriptions spec to the stack with the provisioner {@code pipekit apply} uses: its
     * pipes, rules and queue policy (SNS topics are skipped: the stack has no SNS). {@code spec} is a
     * classpath resource or a file. A queue the spec does not create ({@code create: false}, because
     * Copilot or another stack owns it in AWS) is created here as that owner would, with its
     * dead-letter queue. The sources (streams, tables) must exist first. Destroyed after the test.
     */
    public Subscriptions apply(String spec) {
        return apply(load(spec));
    }

    public Subscriptions apply(SubscriptionSpec spec) {
        WorkerQueue q = spec.queue();
        if (!q.create() && !exists(q.name())) {
            TestQueue.create(sqs(), q.name(), q.visibilityTimeout(), q.deadLetterTries());
        }
        Plan applied = stack.provisioner.apply(spec);
        LOG.info("applied {}:\n{}", spec.name(), applied.describe().indent(2).stripTrailing());
        cleanup.push(() -> stack.provisioner.destroy(spec));
        return new Subscriptions(spec, applied, TestQueue.existing(sqs(), q.name()));
    }

    /** Runs {@code handler} in a real worker on the queue, with test-friendly timings; stopped after the test. */
    public RunningWorker runWorker(TestQueue queue, MessageHandler handler) {
        return runWorker(queue, handler, UnaryOperator.identity());
    }

    /**
     * Like {@link #runWorker(TestQueue, MessageHandler)}, with options changed by {@code options}
     * (which starts from 1 s long polls, 100 ms to 1 s retry backoff and 30 s visibility).
     */
    public RunningWorker runWorker(TestQueue queue, MessageHandler handler, UnaryOperator<WorkerOptions.Builder> options) {
        WorkerOptions built = options.apply(WorkerOptions.builder(queue.url())
                .waitTime(Duration.ofSeconds(1))
                .backoff(BackoffPolicy.exponential(Duration.ofMillis(100), 2, Duration.ofSeconds(1)))
                .shutdownBudget(Duration.ofSeconds(5))).build();
        Outcomes outcomes = new Outcomes();
        Worker worker = Worker.start(sqs(), built, handler, outcomes);
        RunningWorker running = new RunningWorker(worker, outcomes, queue);
        cleanup.push(running::close);
        return running;
    }

    private boolean exists(String queueName) {
        try {
            sqs().getQueueUrl(b -> b.queueName(queueName));
            return true;
        } catch (QueueDoesNotExistException e) {
            return false;
        }
    }

    private static SubscriptionSpec load(String spec) {
        Path file = Path.of(spec);
        if (Files.isRegularFile(file)) {
            return SpecLoader.load(file);
        }
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(spec)) {
            if (in == null) {
                throw new IllegalArgumentException("no spec " + spec + ": neither a file nor a classpath resource");
            }
            return SpecLoader.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), spec);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Undoes what the test made, newest first; a failure is logged and the rest still runs. */
    @Override
    public void close() {
        while (!cleanup.isEmpty()) {
            try {
                cleanup.pop().close();
            } catch (Exception e) {
                LOG.warn("cleanup after the test failed: {}", e.toString());
            }
        }
    }

    static String redriveTarget(SqsClient sqs, String queueUrl) {
        String policy = sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.REDRIVE_POLICY))
                .attributes().get(QueueAttributeName.REDRIVE_POLICY);
        if (policy == null || policy.isBlank()) {
            return null;
        }
        String arn = policy.replaceAll(".*\"deadLetterTargetArn\"\\s*:\\s*\"([^\"]+)\".*", "$1");
        return sqs.getQueueUrl(b -> b.queueName(arn.substring(arn.lastIndexOf(':') + 1))).queueUrl();
    }
}
