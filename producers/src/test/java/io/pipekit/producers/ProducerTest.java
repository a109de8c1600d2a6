package io.pipekit.producers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The producer loop itself (batch limits, key splitting, retry bookkeeping, duration and stop),
 * against an in-memory target. The AWS targets are covered against emulators in internal.targets.
 */
class ProducerTest {

    /** Accepts entries by a policy and records every call. */
    static final class MemoryTarget implements Target<SampleEvent> {
        final int maxEntries;
        final long maxBytes;
        final boolean keyBySubject;
        final List<List<SampleEvent>> calls = new CopyOnWriteArrayList<>();
        final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
        final List<SampleEvent> delivered = new CopyOnWriteArrayList<>();
        final java.util.function.BiFunction<SampleEvent, Integer, Outcome> policy;

        MemoryTarget(int maxEntries, long maxBytes, boolean keyBySubject,
                java.util.function.BiFunction<SampleEvent, Integer, Outcome> policy) {
            this.maxEntries = maxEntries;
            this.maxBytes = maxBytes;
            this.keyBySubject = keyBySubject;
            this.policy = policy;
        }

        @Override public String describe() { return "memory"; }
        @Override public int maxBatchEntries() { return maxEntries; }
        @Override public long maxBatchBytes() { return maxBytes; }

        @Override
        public Entry<SampleEvent> encode(SampleEvent e) {
            return new Entry<>(e, e, 100, keyBySubject ? e.subject() : null);
        }

        @Override
        public List<Outcome> send(List<Entry<SampleEvent>> batch) {
            calls.add(batch.stream().map(Entry::event).toList());
            List<Outcome> out = new ArrayList<>();
            for (Entry<SampleEvent> e : batch) {
                int n = attempts.computeIfAbsent(e.event().eventId(), k -> new AtomicInteger()).incrementAndGet();
                Outcome o = policy.apply(e.event(), n);
                if (o instanceof Outcome.Delivered) delivered.add(e.event());
                out.add(o);
            }
            return out;
        }
    }

    @Test
    void batchesRespectEntryAndByteLimitsAndNeverRepeatAKey() {
        // 100 bytes per entry, 350 bytes per batch => at most 3 entries although 7 are allowed
        MemoryTarget t = new MemoryTarget(7, 350, true, (e, n) -> Target.Outcome.DELIVERED);
        RunSummary s = Producer.run(TrafficPlan.of(Scenario.ORDERS).withCount(500).withKeys(KeySpace.uniform(3)), t);

        assertThat(s.sent()).isEqualTo(500);
        assertThat(t.calls).allSatisfy(call -> {
            assertThat(call).hasSizeBetween(1, 3);
            Set<String> subjects = new HashSet<>();
            call.forEach(e -> assertThat(subjects.add(e.subject())).as("subject repeated in one batch").isTrue());
        });
        assertThat(t.delivered).extracting(SampleEvent::seq).doesNotHaveDuplicates().hasSize(500);
    }

    @Test
    void retriesOnlyFailedEntriesAndCountsGiveUps() {
        // every entry fails its first attempt; seq % 10 == 0 is permanently rejected
        MemoryTarget t = new MemoryTarget(10, Long.MAX_VALUE, false, (e, n) -> e.seq() % 10 == 0
                ? new Target.Outcome.Reject("InvalidArgument", "no")
                : n == 1 ? new Target.Outcome.Retry("ThrottlingException") : Target.Outcome.DELIVERED);
        RunSummary s = Producer.run(TrafficPlan.of(Scenario.IOT).withCount(200), t);

        assertThat(s.sent()).isEqualTo(180);
        assertThat(s.failed()).isEqualTo(20);
        assertThat(s.retried()).isEqualTo(180);
        assertThat(s.throttled()).isEqualTo(180);
        assertThat(s.failuresByCode()).isEqualTo(Map.of("InvalidArgument", 20L));
        assertThat(s.failedEventIds()).hasSize(20);
        assertThat(t.delivered).extracting(SampleEvent::seq).doesNotHaveDuplicates().hasSize(180);
    }

    @Test
    void attemptsAreBoundedByMaxAttempts() {
        MemoryTarget t = new MemoryTarget(10, Long.MAX_VALUE, false, (e, n) -> new Target.Outcome.Retry("InternalFailure"));
        RunSummary s = Producer.run(TrafficPlan.of(Scenario.IOT).withCount(30).withMaxAttempts(3), t);

        assertThat(s.failed()).isEqualTo(30);
        assertThat(s.retried()).isEqualTo(60);
        assertThat(t.attempts.values()).allSatisfy(a -> assertThat(a.get()).isEqualTo(3));
    }

    @Test
    void durationBoundRunEndsAndDeliversWhatItGenerated() {
        MemoryTarget t = new MemoryTarget(10, Long.MAX_VALUE, false, (e, n) -> Target.Outcome.DELIVERED);
        RunSummary s = Producer.run(TrafficPlan.of(Scenario.CLICKSTREAM).forDuration(Duration.ofMillis(300)).withRate(500), t);

        assertThat(s.generated()).isPositive();
        assertThat(s.sent()).isEqualTo(s.generated());
        assertThat(t.delivered).hasSize((int) s.generated());
    }

    @Test
    void stopEndsAnOpenEndedRunAndStillDeliversTheGeneratedEvents() throws Exception {
        MemoryTarget t = new MemoryTarget(10, Long.MAX_VALUE, false, (e, n) -> Target.Outcome.DELIVERED);
        Producer<?> p = Producer.of(TrafficPlan.of(Scenario.ORDERS).forDuration(Duration.ofHours(1)).withRate(2_000), t);
        AtomicLong seen = new AtomicLong();
        AtomicReference<RunSummary> result = new AtomicReference<>();
        Thread runner = Thread.ofVirtual().start(() -> result.set(p.run(soFar -> seen.set(soFar.sent()))));

        await().atMost(Duration.ofSeconds(30)).until(() -> seen.get() > 100);
        p.stop();
        runner.join(Duration.ofSeconds(30));

        assertThat(result.get()).isNotNull();
        assertThat(result.get().sent()).isEqualTo(result.get().generated()).isGreaterThan(100);
    }
}
