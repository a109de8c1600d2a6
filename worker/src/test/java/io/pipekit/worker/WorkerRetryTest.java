package io.pipekit.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pipekit.worker.BackoffPolicy;
import io.pipekit.worker.testing.ElasticMq;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sqs.model.Message;

/** Failure handling: redelivery with backoff, DLQ after maxReceiveCount, exact retry delays. */
class WorkerRetryTest {

    @RegisterExtension
    static final ElasticMq sqs = new ElasticMq();

    @Test
    void failedMessagesAreRedeliveredAndEndInTheDeadLetterQueue() {
        ElasticMq.QueuePair queues = sqs.queueWithDlq("poison", false, 3);
        List<String> healthy = IntStream.range(0, 20).mapToObj(i -> "ok-" + i).toList();
        sqs.send(queues.queueUrl(), healthy);
        sqs.send(queues.queueUrl(), List.of("poison"));
        Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
        List<Integer> poisonReceiveCounts = new java.util.concurrent.CopyOnWriteArrayList<>();

        WorkerOptions options = WorkerOptions.builder(queues.queueUrl()).waitTime(Duration.ofSeconds(1))
                .backoff(BackoffPolicy.immediate()).build();
        try (Worker worker = Worker.start(sqs.sqs(), options, m -> {
            attempts.computeIfAbsent(m.body(), b -> new AtomicInteger()).incrementAndGet();
            if (m.body().equals("poison")) {
                poisonReceiveCounts.add(m.receiveCount());
                throw new IllegalStateException("cannot process this one");
            }
        })) {
            await().atMost(Duration.ofSeconds(30)).until(() -> sqs.held(queues.dlqUrl()) == 1 && sqs.held(queues.queueUrl()) == 0);
        }

        List<Message> dead = sqs.drain(queues.dlqUrl());
        assertThat(dead).extracting(Message::body).containsExactly("poison");
        assertThat(poisonReceiveCounts).containsExactly(1, 2, 3);
        healthy.forEach(body -> assertThat(attempts.get(body)).as(body).hasValue(1));
    }

    @Test
    void aHandlerCanAskForAnExactRetryDelay() {
        String queue = sqs.queue("retry-later");
        sqs.send(queue, List.of("later", "now"));
        Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();

        WorkerOptions options = WorkerOptions.builder(queue).waitTime(Duration.ofSeconds(1))
                .backoff(BackoffPolicy.constant(Duration.ofSeconds(600))).build();
        try (Worker worker = Worker.start(sqs.sqs(), options, m -> {
            int attempt = attempts.computeIfAbsent(m.body(), b -> new AtomicInteger()).incrementAndGet();
            if (m.body().equals("later")) {
                throw new RetryLaterException(Duration.ofSeconds(600), "downstream asked for 10 minutes");
            }
            if (attempt == 1) {
                throw new RetryLaterException(Duration.ZERO, "retry at once");
            }
        })) {
            // "now" asked for zero delay and comes straight back; "later" stays invisible
            await().atMost(Duration.ofSeconds(10)).until(() -> attempts.containsKey("now") && attempts.get("now").get() == 2);
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                    .until(() -> attempts.get("later").get() == 1 && sqs.notVisible(queue) == 1);
        }
        assertThat(sqs.held(queue)).isEqualTo(1);
    }

    @Test
    void theBackoffSetsTheVisibilityOfAFailedMessage() {
        String queue = sqs.queue("backoff");
        sqs.send(queue, List.of("fails"));
        AtomicInteger attempts = new AtomicInteger();

        WorkerOptions options = WorkerOptions.builder(queue).waitTime(Duration.ofSeconds(1))
                .backoff(BackoffPolicy.constant(Duration.ofSeconds(300))).build();
        try (Worker worker = Worker.start(sqs.sqs(), options, m -> {
            attempts.incrementAndGet();
            throw new IllegalArgumentException("bad");
        })) {
            await().atMost(Duration.ofSeconds(10)).until(() -> attempts.get() == 1);
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> attempts.get() == 1);
        }
        assertThat(sqs.notVisible(queue)).isEqualTo(1);
    }

    @Test
    void oneBadMessageNeverStopsTheLoop() {
        String queue = sqs.queue("errors");
        List<String> bodies = IntStream.range(0, 50).mapToObj(i -> "m" + i).toList();
        sqs.send(queue, bodies);
        AtomicInteger ok = new AtomicInteger();

        WorkerOptions options = WorkerOptions.builder(queue).waitTime(Duration.ofSeconds(1))
                .backoff(BackoffPolicy.immediate()).build();
        try (Worker worker = Worker.start(sqs.sqs(), options, m -> {
            int n = Integer.parseInt(m.body().substring(1));
            if (n % 5 == 0 && m.receiveCount() == 1) {
                switch (n % 3) {
                    case 0 -> throw new RuntimeException("runtime");
                    case 1 -> throw new Exception("checked");
                    default -> throw new AssertionError("an Error, not an Exception");
                }
            }
            ok.incrementAndGet();
        })) {
            await().atMost(Duration.ofSeconds(20)).until(() -> sqs.held(queue) == 0);
        }
        assertThat(ok).hasValue(50);
    }
}
