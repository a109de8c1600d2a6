package io.pipekit.producers;

import java.time.Duration;
import java.util.Objects;
import java.util.UUID;

/**
 * What to produce and how fast. Immutable; start from {@link #of(Scenario)} and use the withers.
 *
 * @param count       events to produce; 0 = bounded only by {@code duration}
 * @param duration    how long to produce; null = bounded only by {@code count}
 * @param ratePerSec  steady rate (token bucket); 0 = as fast as the target accepts
 * @param payloadSize serialized event size in bytes (padded); 0 = natural size
 * @param seed        drives every generated value: the same seed gives the same events
 * @param runId       stamped into every event; random by default
 * @param concurrency batch calls in flight at once
 * @param maxAttempts attempts per entry (first try included) before it is counted as failed
 * @param linger      how long a partly filled batch may wait for more events
 */
public record TrafficPlan(
        Scenario scenario,
        long count,
        Duration duration,
        double ratePerSec,
        int payloadSize,
        KeySpace keys,
        long seed,
        String runId,
        int concurrency,
        int maxAttempts,
        Duration linger) {

    public TrafficPlan {
        Objects.requireNonNull(scenario, "scenario");
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(linger, "linger");
        if (count < 0) throw new IllegalArgumentException("count must be >= 0");
        if (count == 0 && duration == null) throw new IllegalArgumentException("give a count or a duration");
        if (duration != null && (duration.isNegative() || duration.isZero())) throw new IllegalArgumentException("duration must be positive");
        if (ratePerSec < 0) throw new IllegalArgumentException("rate must be >= 0");
        if (payloadSize < 0) throw new IllegalArgumentException("payload size must be >= 0");
        if (concurrency < 1) throw new IllegalArgumentException("concurrency must be >= 1");
        if (maxAttempts < 1) throw new IllegalArgumentException("max attempts must be >= 1");
    }

    /** 100 events, unlimited rate, 100 uniform keys, seed 1, 4 calls in flight, 8 attempts, 50 ms linger. */
    public static TrafficPlan of(Scenario scenario) {
        return new TrafficPlan(scenario, 100, null, 0, 0, KeySpace.uniform(100), 1L,
                UUID.randomUUID().toString(), 4, 8, Duration.ofMillis(50));
    }

    public TrafficPlan withCount(long c) {
        return new TrafficPlan(scenario, c, duration, ratePerSec, payloadSize, keys, seed, runId, concurrency, maxAttempts, linger);
    }

    public TrafficPlan withDuration(Duration d) {
        return new TrafficPlan(scenario, count, d, ratePerSec, payloadSize, keys, seed, runId, concurrency, maxAttempts, linger);
    }

    /** Runs for {@code d} with no count bound. */
    public TrafficPlan forDuration(Duration d) {
        return new TrafficPlan(scenario, 0, d, ratePerSec, payloadSize, keys, seed, runId, concurrency, maxAttempts, linger);
    }

    public TrafficPlan withRate(double perSec) {
        return new TrafficPlan(scenario, count, duration, perSec, payloadSize, keys, seed, runId, concurrency, maxAttempts, linger);
    }

    public TrafficPlan withPayloadSize(int bytes) {
        return new TrafficPlan(scenario, count, duration, ratePerSec, bytes, keys, seed, runId, concurrency, maxAttempts, linger);
    }

    public TrafficPlan withKeys(KeySpace k) {
        return new TrafficPlan(scenario, count, duration, ratePerSec, payloadSize, k, seed, runId, concurrency, maxAttempts, linger);
    }

    public TrafficPlan withSeed(long s) {
        return new TrafficPlan(scenario, count, duration, ratePerSec, payloadSize, keys, s, runId, concurrency, maxAttempts, linger);
    }

    public TrafficPlan withRunId(String id) {
        return new TrafficPlan(scenario, count, duration, ratePerSec, payloadSize, keys, seed, id, concurrency, maxAttempts, linger);
    }

    public TrafficPlan withConcurrency(int c) {
        return new TrafficPlan(scenario, count, duration, ratePerSec, payloadSize, keys, seed, runId, c, maxAttempts, linger);
    }

    public TrafficPlan withMaxAttempts(int a) {
        return new TrafficPlan(scenario, count, duration, ratePerSec, payloadSize, keys, seed, runId, concurrency, a, linger);
    }

    public TrafficPlan withLinger(Duration l) {
        return new TrafficPlan(scenario, count, duration, ratePerSec, payloadSize, keys, seed, runId, concurrency, maxAttempts, l);
    }
}
