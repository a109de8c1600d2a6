package io.pipekit.bench.worker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResultEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;

/**
 * An SQS that answers at once and costs (almost) nothing: a receive hands out messages shaped like
 * ElasticMQ's (a 200-byte body and the four standard system attributes), a delete answers success for
 * every entry. With no server and no SDK request pipeline left, what a consumer spends per message
 * on it is the consumer's own machinery — for pipekit, the engine. Bench scope only.
 *
 * <p>A receive on an empty queue waits at most {@link #IDLE_WAIT} (not the long poll asked for): that
 * only happens after a drain, and a raw loop's stop waits for its threads' last receives.
 */
final class ScriptedSqs implements SqsClient {

    private static final Duration IDLE_WAIT = Duration.ofMillis(100);
    private static final Map<String, String> ATTRIBUTES = Map.of("ApproximateReceiveCount", "1", "SentTimestamp", "1764720000000",
            "SenderId", "AIDAEXAMPLE", "ApproximateFirstReceiveTimestamp", "1764720000001");

    private final AtomicLong left = new AtomicLong();
    private final AtomicLong deleted = new AtomicLong();
    private final AtomicLong sequence = new AtomicLong();
    private volatile long target;
    private volatile CountDownLatch drained = new CountDownLatch(0);

    /** Puts {@code messages} on the queue; {@link #awaitDeleted()} returns once all are deleted. */
    void fill(long messages) {
        deleted.set(0);
        target = messages;
        drained = new CountDownLatch(1);
        left.set(messages);
    }

    void awaitDeleted() throws InterruptedException {
        drained.await();
    }

    @Override
    public ReceiveMessageResponse receiveMessage(ReceiveMessageRequest request) {
        int max = request.maxNumberOfMessages() == null ? 1 : request.maxNumberOfMessages();
        long taken = 0;
        for (long now = left.get(); now > 0; now = left.get()) {
            long take = Math.min(now, max);
            if (left.compareAndSet(now, now - take)) {
                taken = take;
                break;
            }
        }
        if (taken == 0) {
            idle();
            return ReceiveMessageResponse.builder().build();
        }
        List<Message> messages = new ArrayList<>((int) taken);
        for (int i = 0; i < taken; i++) {
            long id = sequence.incrementAndGet();
            messages.add(Message.builder().messageId("m-" + id).receiptHandle("r-" + id).body(WorkerThroughput.BODY)
                    .attributesWithStrings(ATTRIBUTES).build());
        }
        return ReceiveMessageResponse.builder().messages(messages).build();
    }

    @Override
    public DeleteMessageBatchResponse deleteMessageBatch(DeleteMessageBatchRequest request) {
        List<DeleteMessageBatchResultEntry> ok = new ArrayList<>(request.entries().size());
        request.entries().forEach(entry -> ok.add(DeleteMessageBatchResultEntry.builder().id(entry.id()).build()));
        if (deleted.addAndGet(ok.size()) >= target) {
            drained.countDown();
        }
        return DeleteMessageBatchResponse.builder().successful(ok).failed(List.of()).build();
    }

    private static void idle() {
        try {
            Thread.sleep(IDLE_WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String serviceName() {
        return SERVICE_NAME;
    }

    @Override
    public void close() {
    }
}
