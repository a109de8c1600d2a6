package io.pipekit.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pipekit.worker.BackoffPolicy;
import io.pipekit.worker.testing.ElasticMq;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** FIFO queues: order inside a message group, parallelism across groups, no reordering on failure. */
class WorkerFifoTest {

    @RegisterExtension
    static final ElasticMq sqs = new ElasticMq();

    private static List<String> sequence(String group, int count) {
        return IntStream.range(0, count).mapToObj(i -> group + ":" + i).toList();
    }

    private static int seq(QueueMessage message) {
        return Integer.parseInt(message.body().substring(message.body().indexOf(':') + 1));
    }

    @Test
    void keepsOrderWithinEachGroupAndRunsGroupsInParallel() {
        String queue = sqs.queue("orders", true, Map.of());
        List<String> groups = List.of("A", "B", "C", "D");
        groups.forEach(g -> sqs.send(queue, sequence(g, 25), g));
        Map<String, List<Integer>> processed = new ConcurrentHashMap<>();
        CountDownLatch twoGroupsAtOnce = new CountDownLatch(2);

        WorkerOptions options = WorkerOptions.builder(queue).waitTime(Duration.ofSeconds(1)).build();
        try (Worker worker = Worker.start(sqs.sqs(), options, m -> {
            String group = m.messageGroupId().orElseThrow();
            if (seq(m) == 0 && (group.equals("A") || group.equals("B"))) {
                twoGroupsAtOnce.countDown();
                // returns only once A and B were in their handlers at the same time
                assertThat(twoGroupsAtOnce.await(10, TimeUnit.SECONDS)).isTrue();
            }
            processed.computeIfAbsent(group, g -> new CopyOnWriteArrayList<>()).add(seq(m));
        })) {
            await().atMost(Duration.ofSeconds(30)).until(() -> sqs.held(queue) == 0);
        }

        List<Integer> inOrder = IntStream.range(0, 25).boxed().toList();
        groups.forEach(g -> assertThat(processed.get(g)).as("group " + g).isEqualTo(inOrder));
    }

    @Test
    void afterAFailureTheRestOfTheGroupWaitsInsteadOfOvertaking() {
        String queue = sqs.queue("payments", true, Map.of());
        sqs.send(queue, sequence("P", 10), "P");
        List<Integer> succeeded = new CopyOnWriteArrayList<>();
        AtomicInteger attemptsOf3 = new AtomicInteger();
        AtomicInteger released = new AtomicInteger();
        WorkerListener listener = new WorkerListener() {
            @Override
            public void onReleased(QueueMessage message) {
                released.incrementAndGet();
            }
        };

        WorkerOptions options = WorkerOptions.builder(queue).waitTime(Duration.ofSeconds(1))
                .backoff(BackoffPolicy.immediate()).build();
        try (Worker worker = Worker.start(sqs.sqs(), options, m -> {
            if (seq(m) == 3 && attemptsOf3.incrementAndGet() == 1) {
                throw new IllegalStateException("transient failure on 3");
            }
            succeeded.add(seq(m));
        }, listener)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> sqs.held(queue) == 0);
        }

        assertThat(succeeded).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(attemptsOf3).hasValue(2);
        assertThat(released.get()).as("messages after 3 in its batch were handed back").isPositive();
    }
}
