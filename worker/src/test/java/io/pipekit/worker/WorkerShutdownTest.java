package io.pipekit.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pipekit.worker.testing.ElasticMq;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Shutdown: stop receiving at once, drain within the budget, release the rest, flush deletes. */
class WorkerShutdownTest {

    @RegisterExtension
    static final ElasticMq sqs = new ElasticMq();

    @Test
    void drainsInFlightWorkAndFlushesItsDeletes() {
        String queue = sqs.queue("drain");
        sqs.send(queue, IntStream.range(0, 8).mapToObj(i -> "m" + i).toList());
        AtomicInteger entered = new AtomicInteger();
        AtomicInteger finished = new AtomicInteger();
        // a long flush interval: the deletes are still pending when shutdown starts
        WorkerOptions options = WorkerOptions.builder(queue).waitTime(Duration.ofSeconds(2))
                .deleteFlushInterval(Duration.ofSeconds(30)).build();
        Worker worker = Worker.start(sqs.sqs(), options, m -> {
            entered.incrementAndGet();
            Thread.sleep(300); // the work
            finished.incrementAndGet();
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> entered.get() == 8);

        ShutdownReport report = worker.shutdown(Duration.ofSeconds(10));

        assertThat(report.clean()).isTrue();
        assertThat(report.released()).isZero();
        assertThat(finished).hasValue(8);
        assertThat(sqs.held(queue)).isZero();
    }

    @Test
    void releasesWhatCannotFinishWithinTheBudget() {
        String queue = sqs.queue("release");
        sqs.send(queue, List.of("stuck-1", "stuck-2", "stuck-3"));
        CountDownLatch never = new CountDownLatch(1);
        AtomicInteger entered = new AtomicInteger();
        WorkerOptions options = WorkerOptions.builder(queue).waitTime(Duration.ofSeconds(1))
                .visibilityTimeout(Duration.ofMinutes(10)).build();
        Worker worker = Worker.start(sqs.sqs(), options, m -> {
            entered.incrementAndGet();
            never.await();
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> entered.get() == 3);

        ShutdownReport report = worker.shutdown(Duration.ofMillis(300));

        assertThat(report.clean()).isFalse();
        assertThat(report.released()).isEqualTo(3);
        // visible again within seconds (once the aborted 1 s long poll has surely ended on the
        // server), not after the 10-minute visibility timeout
        await().atMost(Duration.ofSeconds(5)).until(() -> sqs.visible(queue) == 3);
    }

    @Test
    void doesNotWaitForTheOutstandingLongPoll() {
        String queue = sqs.queue("idle");
        WorkerOptions options = WorkerOptions.builder(queue).waitTime(Duration.ofSeconds(10)).build();
        Worker worker = Worker.start(sqs.sqs(), options, m -> { });
        worker.firstPoll(); // the poller is inside a 10 s long poll on an empty queue
        await().pollDelay(Duration.ofMillis(300)).until(() -> true);

        ShutdownReport report = worker.shutdown(Duration.ofSeconds(5));

        assertThat(report.clean()).isTrue();
        assertThat(report.took()).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void whatAPollStillOutAtShutdownReturnsIsHandedBackNotProcessed() {
        String queue = sqs.queue("open-poll");
        AtomicInteger handled = new AtomicInteger();
        // a 10-minute visibility: were the message kept by the receive that was out, it would stay
        // invisible far longer than this test waits
        WorkerOptions options = WorkerOptions.builder(queue).waitTime(Duration.ofSeconds(3))
                .visibilityTimeout(Duration.ofMinutes(10)).build();
        AtomicInteger receives = new AtomicInteger();
        WorkerListener countsReceives = new WorkerListener() {
            @Override
            public void beforeReceive(String queueUrl) {
                receives.incrementAndGet();
            }
        };
        Worker worker = Worker.start(sqs.sqs(), options, m -> handled.incrementAndGet(), countsReceives);
        // inside the first 3 s long poll (not just after one returned, when no receive may be out)
        await().pollDelay(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> receives.get() >= 1);
        ShutdownReport report = worker.shutdown(Duration.ofSeconds(5));
        assertThat(report.took()).isLessThan(Duration.ofSeconds(3)); // the drain did not wait for the polls
        assertThat(report.receivesOpenFor()).isPositive();

        sqs.send(queue, List.of("late")); // the client stays open: a poll still out receives it

        await().atMost(Duration.ofSeconds(10)).until(() -> sqs.visible(queue) == 1);
        assertThat(handled).hasValue(0);
    }

    @Test
    void aMessageArrivingAfterShutdownIsNeitherProcessedNorLost() {
        String queue = sqs.queue("after");
        AtomicInteger handled = new AtomicInteger();
        WorkerOptions options = WorkerOptions.builder(queue).waitTime(Duration.ofSeconds(1))
                .visibilityTimeout(Duration.ofSeconds(2)).build();
        Worker worker = Worker.start(sqs.sqs(), options, m -> handled.incrementAndGet());
        worker.shutdown(Duration.ofSeconds(5));

        sqs.send(queue, List.of("late"));

        // the aborted long poll may still capture it on the server for one visibility timeout;
        // either way it comes back and nothing here processed it
        await().atMost(Duration.ofSeconds(10)).until(() -> sqs.visible(queue) == 1);
        assertThat(handled).hasValue(0);
    }
}
