package io.pipekit.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pipekit.worker.health.PollerLiveness;
import io.pipekit.worker.testing.ElasticMq;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Quick handlers run inline on the receive loop (docs/worker-engine.md, "Quick handlers run
 * inline"), and a handler that stalls there holds up neither its batch, nor the queue, nor health.
 */
class WorkerInlineTest {

    @RegisterExtension
    static final ElasticMq sqs = new ElasticMq();

    private static List<String> bodies(String prefix, int count) {
        return IntStream.range(0, count).mapToObj(i -> prefix + i).toList();
    }

    private static WorkerOptions.Builder options(String queue) {
        return WorkerOptions.builder(queue).waitTime(Duration.ofSeconds(1)).shutdownBudget(Duration.ofSeconds(10))
                .backoff(BackoffPolicy.immediate());
    }

    /** Whether the handler runs inline: receive loops are platform threads, forked handlers virtual ones. */
    private static boolean inline() {
        return !Thread.currentThread().isVirtual();
    }

    private final AtomicInteger sent = new AtomicInteger();

    /** Sends batches of 20 until {@code done}; returns how many it sent. */
    private int sendUntil(String queue, String prefix, java.util.function.BooleanSupplier done) {
        AtomicInteger count = new AtomicInteger();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).until(() -> {
            if (done.getAsBoolean()) {
                return true;
            }
            sqs.send(queue, bodies(prefix + count.get() + "-", 20));
            count.addAndGet(20);
            return false;
        });
        sent.addAndGet(count.get());
        return count.get();
    }

    @Test
    void quickHandlersRunOnTheReceiveLoopAndEveryMessageIsDeletedOnce() {
        String queue = sqs.queue("inline-quick");
        sqs.send(queue, bodies("m", 600));
        Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
        AtomicInteger inline = new AtomicInteger();
        sqs.resetCalls();

        try (Worker worker = Worker.start(sqs.sqs(), options(queue).build(), m -> {
            seen.computeIfAbsent(m.body(), b -> new AtomicInteger()).incrementAndGet();
            if (inline()) {
                inline.incrementAndGet();
            }
        })) {
            await().atMost(Duration.ofSeconds(30)).until(() -> sqs.held(queue) == 0);
        }

        assertThat(seen).hasSize(600);
        assertThat(seen.values()).allMatch(count -> count.get() == 1);
        // the first handlers are forked (the pace is not known yet); once known quick, batches run inline.
        // How many depends on the host (a descheduled handler looks slow), so only that some did
        assertThat(inline.get()).isPositive();
        // whether a batch ran inline or forked, its deletes went out in batches: 600 messages are 60 calls,
        // plus those the flush interval cut short
        assertThat(sqs.calls("DeleteMessageBatch")).isBetween(60L, 120L);
        assertThat(sqs.calls("DeleteMessage")).isZero();
    }

    @Test
    void aHandlerStallingInlineHoldsUpNeitherItsBatchNorTheQueueNorHealth() {
        String queue = sqs.queue("inline-stall");
        sqs.send(queue, bodies("warm", 300));
        sent.set(300 + 50);
        AtomicInteger processed = new AtomicInteger();
        AtomicBoolean stallNext = new AtomicBoolean();
        AtomicBoolean stalledInline = new AtomicBoolean();
        CountDownLatch stalled = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        PollerLiveness liveness = new PollerLiveness(List.of(queue), Duration.ofSeconds(3), 64, 10, 2);

        try (Worker worker = Worker.start(sqs.sqs(), options(queue).build(), m -> {
            if (inline() && stallNext.compareAndSet(true, false)) {
                stalledInline.set(true);
                stalled.countDown();
                release.await();
            }
            processed.incrementAndGet();
        }, liveness)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> processed.get() == 300);
            stallNext.set(true);
            // the next batch run inline stalls (which batch that is depends on the host's timing)
            int burst = sendUntil(queue, "burst", () -> stalled.getCount() == 0);

            // the rest of the stalled batch and everything sent after it are processed meanwhile
            sqs.send(queue, bodies("after", 50));
            int total = 300 + burst + 50;
            await().atMost(Duration.ofSeconds(20)).until(() -> processed.get() == total - 1);
            assertThat(stalledInline).isTrue();
            // the stalled loop's thread is a handler's now: health must not call it a stalled poller
            // ok for 5 s in a row (a healthy loop's receive may now and then take longer than the threshold on
            // a loaded host, which restarts the window; the stalled thread, were health still tracking it as a
            // poller, would never recover)
            await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(20))
                    .until(() -> "ok".equals(liveness.report("off", null).queues().getFirst().status()));
            await().atMost(Duration.ofSeconds(5)).until(() -> sqs.held(queue) == 1);

            release.countDown();
            await().atMost(Duration.ofSeconds(10)).until(() -> sqs.held(queue) == 0);
        }
        assertThat(processed.get()).isEqualTo(sent.get());
    }

    @Test
    void anErrorThrownByAnInlineHandlerIsRetriedAndTheLoopGoesOn() {
        String queue = sqs.queue("inline-error");
        sqs.send(queue, bodies("warm", 300));
        AtomicInteger processed = new AtomicInteger();
        AtomicBoolean throwNext = new AtomicBoolean();
        AtomicBoolean threw = new AtomicBoolean();

        try (Worker worker = Worker.start(sqs.sqs(), options(queue).build(), m -> {
            if (inline() && throwNext.compareAndSet(true, false)) {
                threw.set(true);
                throw new StackOverflowError("deep recursion in a handler");
            }
            processed.incrementAndGet();
        })) {
            await().atMost(Duration.ofSeconds(30)).until(() -> processed.get() == 300);
            throwNext.set(true);
            int more = sendUntil(queue, "more", threw::get);
            // every message is processed — the one that threw on its retry — and nothing stays held
            await().atMost(Duration.ofSeconds(30)).until(() -> processed.get() == 300 + more && sqs.held(queue) == 0);
        }
    }

    /**
     * Receiving ahead (docs/worker-engine.md, "Receiving ahead while handlers are quick"): while
     * handlers are quick, more receives are out than handler capacity covers; when the handlers turn
     * slow, the messages already on their way wait for capacity, so handlers running at once never
     * exceed maxConcurrency, and every message is still processed once.
     */
    @Test
    void handlersRunningStayWithinMaxConcurrencyWhenQuickHandlersTurnSlow() {
        String queue = sqs.queue("inline-ahead");
        int total = 1500;
        sqs.send(queue, bodies("m", total));
        Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
        AtomicInteger handled = new AtomicInteger();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger maxRunning = new AtomicInteger();

        try (Worker worker = Worker.start(sqs.sqs(), options(queue).maxConcurrency(12).build(), m -> {
            maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                seen.computeIfAbsent(m.body(), b -> new AtomicInteger()).incrementAndGet();
                if (handled.incrementAndGet() > total / 2) {
                    Thread.sleep(5); // the handler's own work turns slow: the pace stops running batches inline
                }
            } finally {
                running.decrementAndGet();
            }
        })) {
            await().atMost(Duration.ofSeconds(60)).until(() -> sqs.held(queue) == 0 && seen.size() == total);
        }

        assertThat(maxRunning.get()).isBetween(1, 12);
        assertThat(seen).hasSize(total);
        assertThat(seen.values()).allMatch(count -> count.get() == 1);
    }

    /**
     * With quick handlers, a worker whose capacity covers one batch still keeps several receives out
     * (docs/worker-engine.md, "Receiving ahead while handlers are quick"). Before, each receive
     * reserved handler capacity for its messages, so at maxConcurrency 10 the ten units bounded what was
     * out: one full receive, or the two fixed loops splitting them.
     */
    @Test
    void quickHandlersKeepMoreReceivesOutThanHandlerCapacityCovers() {
        String queue = sqs.queue("inline-ahead-receives");
        int total = 3000;
        sqs.send(queue, bodies("r", total));
        AtomicInteger out = new AtomicInteger();
        AtomicInteger maxOut = new AtomicInteger();
        AtomicInteger handled = new AtomicInteger();
        WorkerListener receives = new WorkerListener() {
            @Override
            public void beforeReceive(String queueUrl) {
                maxOut.accumulateAndGet(out.incrementAndGet(), Math::max);
            }

            @Override
            public void onReceive(String queueUrl, int messages) {
                out.decrementAndGet();
            }

            @Override
            public void onReceiveError(String queueUrl, Throwable error) {
                out.decrementAndGet();
            }
        };

        try (Worker worker = Worker.start(sqs.sqs(), options(queue).maxConcurrency(10).build(), m -> handled.incrementAndGet(), receives)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> sqs.held(queue) == 0 && handled.get() >= total);
        }

        assertThat(maxOut.get()).isGreaterThan(3);
    }
}
