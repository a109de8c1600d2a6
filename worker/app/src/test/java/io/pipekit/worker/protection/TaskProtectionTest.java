package io.pipekit.worker.protection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pipekit.worker.Worker;
import io.pipekit.worker.WorkerListener;
import io.pipekit.worker.WorkerOptions;
import io.pipekit.worker.protection.fake.FakeEcsAgent;
import io.pipekit.worker.protection.fake.FakeEcsAgent.Fault;
import io.pipekit.worker.testing.ElasticMq;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Protection follows the worker's busy/idle state through a real worker on ElasticMQ and the fake agent. */
class TaskProtectionTest {

    @RegisterExtension
    static final ElasticMq sqs = new ElasticMq();

    private final FakeEcsAgent agent = FakeEcsAgent.start();

    @AfterEach
    void stopAgent() {
        agent.close();
    }

    private ProtectionOptions options(Duration holdDown) {
        return ProtectionOptions.defaults(Optional.of(agent.agentUri())).withHoldDown(holdDown);
    }

    @Test
    void aBurstOfTenThousandMessagesCostsOneAcquireAndOneRelease() {
        String queue = sqs.queue("burst");
        int total = 10_000;
        List<String> bodies = IntStream.range(0, total).mapToObj(i -> "m" + i).toList();
        try (var senders = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int from = 0; from < total; from += 1000) {
                List<String> slice = bodies.subList(from, from + 1000);
                senders.submit(() -> sqs.send(queue, slice));
            }
        }
        assertThat(sqs.visible(queue)).isEqualTo(total);
        AtomicInteger handled = new AtomicInteger();
        AtomicInteger unprotected = new AtomicInteger();
        AtomicInteger busySignals = new AtomicInteger();
        WorkerListener busyCounter = new WorkerListener() {
            @Override public void onBusy() { busySignals.incrementAndGet(); }
        };
        TaskProtection protection = TaskProtection.start(options(Duration.ofSeconds(5)));
        WorkerOptions workerOptions = WorkerOptions.builder(queue).maxConcurrency(500).waitTime(Duration.ofSeconds(1)).build();
        try (Worker worker = Worker.start(sqs.sqs(), workerOptions, m -> {
            if (!agent.protectedNow()) {
                unprotected.incrementAndGet();
            }
            handled.incrementAndGet();
        }, protection, busyCounter)) {
            await().atMost(Duration.ofMinutes(2)).until(() -> handled.get() >= total && sqs.held(queue) == 0);
            // idle past the hold-down: released exactly once
            await().atMost(Duration.ofSeconds(20)).until(() -> agent.puts(false) == 1);
        } finally {
            protection.close();
        }

        assertThat(agent.puts(true)).as("acquires (busy signals: %d)", busySignals.get()).isEqualTo(1);
        assertThat(agent.puts(false)).isEqualTo(1);
        assertThat(agent.protectedNow()).isFalse();
        // only the receives already out when the cold worker woke (one per poller) ran before the
        // acquire landed; every later receive waited for it
        assertThat(unprotected.get()).isLessThanOrEqualTo(workerOptions.receiveBatchSize() * workerOptions.pollersPerQueue());
        assertThat(protection.status().state()).isEqualTo(TaskProtection.State.UNPROTECTED);
    }

    @Test
    void protectionIsRenewedWhileALongMessageRuns() {
        String queue = sqs.queue("renew");
        // 1-minute expiry renewed at 10 %: every 6 s while busy
        ProtectionOptions renewing = new ProtectionOptions(Optional.of(agent.agentUri()), Duration.ofMinutes(1), 0.1,
                Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofSeconds(1));
        java.util.concurrent.CountDownLatch finish = new java.util.concurrent.CountDownLatch(1);
        AtomicInteger handled = new AtomicInteger();
        TaskProtection protection = TaskProtection.start(renewing);
        WorkerOptions workerOptions = WorkerOptions.builder(queue).waitTime(Duration.ofSeconds(1)).build();
        try (Worker worker = Worker.start(sqs.sqs(), workerOptions, m -> {
            finish.await();
            handled.incrementAndGet();
        }, protection)) {
            sqs.send(queue, List.of("long job"));
            await().atMost(Duration.ofSeconds(30)).until(() -> agent.puts(true) == 2); // acquire + one renew
            assertThat(agent.puts(false)).isZero();
            assertThat(agent.protectedNow()).isTrue();
            finish.countDown();
            await().atMost(Duration.ofSeconds(10)).until(() -> handled.get() == 1 && agent.puts(false) == 1);
        } finally {
            finish.countDown();
            protection.close();
        }
        assertThat(agent.protectedNow()).isFalse();
    }

    @Test
    void deploymentBlockedAnd504DoNotStopProcessingAndAreRetried() {
        String queue = sqs.queue("faults");
        agent.inject(Fault.DEPLOYMENT_BLOCKED, Fault.TIMEOUT_504);
        AtomicInteger handled = new AtomicInteger();
        TaskProtection protection = TaskProtection.start(options(Duration.ofSeconds(8)));
        WorkerOptions workerOptions = WorkerOptions.builder(queue).waitTime(Duration.ofSeconds(1)).build();
        try (Worker worker = Worker.start(sqs.sqs(), workerOptions, m -> handled.incrementAndGet(), protection)) {
            sqs.send(queue, IntStream.range(0, 30).mapToObj(i -> "m" + i).toList());
            await().atMost(Duration.ofSeconds(20)).until(() -> handled.get() >= 30 && sqs.held(queue) == 0);
            // still warm: the acquire is retried with backoff until the agent accepts it
            await().atMost(Duration.ofSeconds(20)).until(() -> agent.calls().stream().anyMatch(c -> c.status() == 200
                    && c.protectionEnabled().equals(Optional.of(true)) && agent.puts(true) == 3));
            assertThat(protection.status().failures()).isEqualTo(2);
            assertThat(protection.status().lastProblem()).hasValueSatisfying(p -> assertThat(p).contains("504"));
        } finally {
            protection.close();
        }
        assertThat(agent.calls()).extracting(FakeEcsAgent.Call::status).startsWith(200, 504, 200);
        assertThat(handled).hasValue(30);
        assertThat(agent.protectedNow()).isFalse();
    }

    @Test
    void aStandaloneTaskStopsAskingAfterTaskNotValid() {
        String queue = sqs.queue("standalone");
        agent.inject(Fault.TASK_NOT_VALID);
        AtomicInteger handled = new AtomicInteger();
        TaskProtection protection = TaskProtection.start(options(Duration.ofMillis(100)));
        WorkerOptions workerOptions = WorkerOptions.builder(queue).maxConcurrency(2).waitTime(Duration.ofSeconds(1)).build();
        try (Worker worker = Worker.start(sqs.sqs(), workerOptions, m -> handled.incrementAndGet(), protection)) {
            for (int round = 0; round < 3; round++) { // three busy periods, separated by idle time
                sqs.send(queue, List.of("a" + round, "b" + round));
                int expected = (round + 1) * 2;
                await().atMost(Duration.ofSeconds(10)).until(() -> handled.get() >= expected && sqs.held(queue) == 0);
            }
        } finally {
            protection.close();
        }
        assertThat(handled).hasValue(6);
        assertThat(agent.puts()).isEqualTo(1);
        assertThat(protection.status().state()).isEqualTo(TaskProtection.State.UNAVAILABLE);
    }

    @Test
    void outsideEcsItIsANoOp() {
        String queue = sqs.queue("local");
        AtomicInteger handled = new AtomicInteger();
        TaskProtection protection = TaskProtection.start(ProtectionOptions.defaults(java.util.Optional.empty()));
        try (Worker worker = Worker.start(sqs.sqs(), WorkerOptions.builder(queue).waitTime(Duration.ofSeconds(1)).build(),
                m -> handled.incrementAndGet(), protection)) {
            sqs.send(queue, List.of("x", "y"));
            await().atMost(Duration.ofSeconds(10)).until(() -> handled.get() == 2 && sqs.held(queue) == 0);
        } finally {
            protection.close();
        }
        assertThat(protection.status().state()).isEqualTo(TaskProtection.State.DISABLED);
        assertThat(protection.status().calls()).isZero();
        assertThat(agent.calls()).isEmpty();
    }
}
