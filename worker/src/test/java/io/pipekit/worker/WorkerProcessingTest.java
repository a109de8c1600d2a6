package io.pipekit.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pipekit.worker.testing.ElasticMq;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The happy path against a real SQS server: receive, process, delete — and nothing early. */
class WorkerProcessingTest {

    @RegisterExtension
    static final ElasticMq sqs = new ElasticMq();

    private static List<String> bodies(int count) {
        return IntStream.range(0, count).mapToObj(i -> "{\"n\":" + i + "}").toList();
    }

    private static WorkerOptions.Builder options(String... queues) {
        return WorkerOptions.builder(queues).waitTime(Duration.ofSeconds(1)).shutdownBudget(Duration.ofSeconds(5));
    }

    @Test
    void processesEveryMessageOnceAndDeletesInBatches() {
        String queue = sqs.queue("happy");
        sqs.send(queue, bodies(200));
        Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
        sqs.resetCalls();

        try (Worker worker = Worker.start(sqs.sqs(), options(queue).deleteFlushInterval(Duration.ofSeconds(1)).build(),
                m -> seen.computeIfAbsent(m.body(), b -> new AtomicInteger()).incrementAndGet())) {
            await().atMost(Duration.ofSeconds(30)).until(() -> sqs.held(queue) == 0);
        }

        assertThat(seen).hasSize(200);
        assertThat(seen.values()).allMatch(count -> count.get() == 1);
        assertThat(sqs.calls("DeleteMessage")).isZero();
        // 200 deletes in full batches of 10 are 20 calls; the flush interval may cut a few batches short
        assertThat(sqs.calls("DeleteMessageBatch")).isBetween(20L, 40L);
    }

    @Test
    void neverDeletesBeforeTheHandlerReturned() {
        String queue = sqs.queue("no-early-delete");
        sqs.send(queue, bodies(5));
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger entered = new AtomicInteger();
        AtomicInteger finished = new AtomicInteger();

        try (Worker worker = Worker.start(sqs.sqs(), options(queue).build(), m -> {
            entered.incrementAndGet();
            release.await();
            finished.incrementAndGet();
        })) {
            await().atMost(Duration.ofSeconds(10)).until(() -> entered.get() == 5);
            // every message is still on the queue, in flight, while its handler runs
            assertThat(sqs.held(queue)).isEqualTo(5);
            assertThat(sqs.notVisible(queue)).isEqualTo(5);
            assertThat(worker.inFlight()).isEqualTo(5);

            release.countDown();
            await().atMost(Duration.ofSeconds(10)).until(() -> sqs.held(queue) == 0);
            assertThat(finished).hasValue(5);
        }
    }

    @Test
    void neverReceivesMoreThanItHasCapacityFor() {
        String queue = sqs.queue("backpressure");
        sqs.send(queue, bodies(30));
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger maxRunning = new AtomicInteger();

        try (Worker worker = Worker.start(sqs.sqs(), options(queue).maxConcurrency(4).build(), m -> {
            maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
            release.await();
            running.decrementAndGet();
        })) {
            await().atMost(Duration.ofSeconds(10)).until(() -> running.get() == 4);
            // the backlog stays visible on the queue — autoscaling on queue depth still sees it
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
                    .until(() -> sqs.visible(queue) == 26 && worker.inFlight() == 4);

            release.countDown();
            await().atMost(Duration.ofSeconds(20)).until(() -> sqs.held(queue) == 0);
        }
        assertThat(maxRunning).hasValue(4);
    }

    @Test
    void concurrencyIsIndependentOfTheReceiveBatch() {
        String queue = sqs.queue("wide");
        sqs.send(queue, bodies(60));
        CountDownLatch allIn = new CountDownLatch(50);

        try (Worker worker = Worker.start(sqs.sqs(), options(queue).maxConcurrency(50).build(), m -> {
            allIn.countDown();
            allIn.await(); // only returns once 50 handlers run at the same time
        })) {
            await().atMost(Duration.ofSeconds(20)).until(() -> sqs.held(queue) == 0);
        }
        assertThat(allIn.getCount()).isZero();
    }

    @Test
    void consumesSeveralQueues() {
        String first = sqs.queue("multi-a");
        String second = sqs.queue("multi-b");
        sqs.send(first, bodies(15));
        sqs.send(second, bodies(25));
        Map<String, AtomicInteger> perQueue = new ConcurrentHashMap<>();

        try (Worker worker = Worker.start(sqs.sqs(), options(first, second).build(),
                m -> perQueue.computeIfAbsent(m.queueUrl(), q -> new AtomicInteger()).incrementAndGet())) {
            await().atMost(Duration.ofSeconds(20)).until(() -> sqs.held(first) == 0 && sqs.held(second) == 0);
        }
        assertThat(perQueue.get(first)).hasValue(15);
        assertThat(perQueue.get(second)).hasValue(25);
    }

    @Test
    void handsTheHandlerTheMessageAsReceived() {
        String queue = sqs.queue("shape");
        sqs.sqs().sendMessage(b -> b.queueUrl(queue).messageBody("hello")
                .messageAttributes(Map.of("kind", software.amazon.awssdk.services.sqs.model.MessageAttributeValue.builder()
                        .dataType("String").stringValue("greeting").build())));
        Map<String, QueueMessage> got = new ConcurrentHashMap<>();

        try (Worker worker = Worker.start(sqs.sqs(), options(queue).build(), m -> got.put(m.messageId(), m))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 1);
        }
        QueueMessage message = got.values().iterator().next();
        assertThat(message.body()).isEqualTo("hello");
        assertThat(message.queueUrl()).isEqualTo(queue);
        assertThat(message.receiveCount()).isEqualTo(1);
        assertThat(message.sentAt()).isPresent();
        assertThat(message.messageAttributes().get("kind").stringValue()).isEqualTo("greeting");
    }
}
