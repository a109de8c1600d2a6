package io.pipekit.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pipekit.worker.testing.ElasticMq;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The visibility heartbeat keeps long-running work invisible — and copes with lost receipts. */
class WorkerHeartbeatTest {

    @RegisterExtension
    static final ElasticMq sqs = new ElasticMq();

    @Test
    void aSlowHandlerOutlivesItsVisibilityTimeoutWithoutASecondDelivery() throws Exception {
        String queue = sqs.queue("slow");
        sqs.send(queue, List.of("slow-1", "slow-2"));
        Map<String, AtomicInteger> deliveries = new ConcurrentHashMap<>();
        List<Duration> extensions = new CopyOnWriteArrayList<>();
        WorkerListener listener = new WorkerListener() {
            @Override
            public void onVisibilityExtended(QueueMessage message, Duration timeout) {
                extensions.add(timeout);
            }
        };

        // extend once 20 % of the 3 s lease is used: 2.4 s of slack for a loaded CI machine
        WorkerOptions options = WorkerOptions.builder(queue).waitTime(Duration.ofSeconds(1))
                .visibilityTimeout(Duration.ofSeconds(3)).heartbeatFraction(0.2).build();
        try (Worker worker = Worker.start(sqs.sqs(), options, m -> {
                 deliveries.computeIfAbsent(m.body(), b -> new AtomicInteger()).incrementAndGet();
                 Thread.sleep(Duration.ofMillis(7_500)); // the work itself: 2.5 visibility timeouts
             }, listener)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> deliveries.size() == 2);
            // only now a competing consumer starts polling: it must never get them while they run
            try (SqsProbe probe = new SqsProbe(queue)) {
                await().atMost(Duration.ofSeconds(20)).until(() -> sqs.held(queue) == 0);
                assertThat(probe.stolen()).as("a competing consumer never saw the messages").isZero();
            }
        }

        assertThat(deliveries).containsOnlyKeys("slow-1", "slow-2");
        assertThat(deliveries.values()).allMatch(count -> count.get() == 1);
        assertThat(extensions).hasSizeGreaterThanOrEqualTo(4).allMatch(d -> d.equals(Duration.ofSeconds(3)));
    }

    @Test
    void aLostReceiptIsReportedAndTheWorkerCarriesOn() {
        String queue = sqs.queue("lost-lease");
        sqs.send(queue, List.of("lost"));
        List<String> lost = new CopyOnWriteArrayList<>();
        CountDownLatch leaseLost = new CountDownLatch(1);
        AtomicInteger afterwards = new AtomicInteger();
        WorkerListener listener = new WorkerListener() {
            @Override
            public void onLeaseLost(QueueMessage message, String reason) {
                lost.add(message.body() + ":" + reason);
                leaseLost.countDown();
            }
        };

        WorkerOptions options = WorkerOptions.builder(queue).waitTime(Duration.ofSeconds(1))
                .visibilityTimeout(Duration.ofSeconds(2)).build();
        try (Worker worker = Worker.start(sqs.sqs(), options, m -> {
            if (m.body().equals("lost")) {
                // someone else deletes the message under us: our receipt handle is now dead
                sqs.sqs().deleteMessage(b -> b.queueUrl(queue).receiptHandle(m.receiptHandle()));
                leaseLost.await();
            } else {
                afterwards.incrementAndGet();
            }
        }, listener)) {
            await().atMost(Duration.ofSeconds(15)).until(() -> lost.size() == 1);
            sqs.send(queue, List.of("next"));
            await().atMost(Duration.ofSeconds(15)).until(() -> afterwards.get() == 1 && sqs.held(queue) == 0);
        }
        assertThat(lost.getFirst()).startsWith("lost:");
    }

    /** A competing consumer that keeps trying to receive from the queue. */
    private static final class SqsProbe implements AutoCloseable {
        private final AtomicInteger stolen = new AtomicInteger();
        private final Thread thread;
        private volatile boolean running = true;

        SqsProbe(String queue) {
            thread = Thread.ofVirtual().start(() -> {
                try (var client = sqs.newClient()) {
                    while (running) {
                        var messages = client.receiveMessage(b -> b.queueUrl(queue).waitTimeSeconds(1).maxNumberOfMessages(10)
                                .visibilityTimeout(1)).messages();
                        stolen.addAndGet(messages.size());
                    }
                }
            });
        }

        int stolen() {
            return stolen.get();
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join();
        }
    }
}
