package io.pipekit.producers.internal.send;

import io.pipekit.producers.RunSummary;
import io.pipekit.producers.TrafficPlan;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counters shared by the producer loop and the delivery threads. */
public final class RunStats {

    private static final int MAX_FAILED_IDS = 100;

    final LongAdder generated = new LongAdder();
    final LongAdder sent = new LongAdder();
    final LongAdder failed = new LongAdder();
    final LongAdder retried = new LongAdder();
    final LongAdder throttled = new LongAdder();
    private final Map<String, LongAdder> failuresByCode = new ConcurrentHashMap<>();
    private final List<String> failedIds = new ArrayList<>();
    private long[] latencies = new long[1024];
    private int latencyCount;

    public void generatedOne() {
        generated.increment();
    }

    void failed(String eventId, String code) {
        failed.increment();
        failuresByCode.computeIfAbsent(code, c -> new LongAdder()).increment();
        synchronized (failedIds) {
            if (failedIds.size() < MAX_FAILED_IDS) failedIds.add(eventId);
        }
    }

    synchronized void callLatency(long nanos) {
        if (latencyCount == latencies.length) latencies = Arrays.copyOf(latencies, latencyCount * 2);
        latencies[latencyCount++] = nanos;
    }

    public RunSummary snapshot(String target, TrafficPlan plan, Duration elapsed) {
        long[] sorted;
        synchronized (this) {
            sorted = Arrays.copyOf(latencies, latencyCount);
        }
        Arrays.sort(sorted);
        Map<String, Long> byCode = new TreeMap<>();
        failuresByCode.forEach((k, v) -> byCode.put(k, v.sum()));
        List<String> ids;
        synchronized (failedIds) {
            ids = List.copyOf(failedIds);
        }
        return new RunSummary(target, plan.runId(), plan, generated.sum(), sent.sum(), failed.sum(), retried.sum(),
                throttled.sum(), sorted.length, elapsed, percentile(sorted, 0.50), percentile(sorted, 0.99),
                Map.copyOf(byCode), ids);
    }

    /** Nearest-rank percentile. */
    static Duration percentile(long[] sorted, double p) {
        if (sorted.length == 0) return Duration.ZERO;
        int rank = (int) Math.ceil(p * sorted.length);
        return Duration.ofNanos(sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))]);
    }
}
