package io.pipekit.producers;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The consumer side of the {@link SampleEvent} contract: feed it every event a worker receives and
 * it reports loss (gaps in {@code seq}), duplicates (a {@code (runId, seq)} seen again — normal
 * under at-least-once, but counted) and end-to-end latency ({@code receivedAt - producedAt}).
 * Thread-safe; events of other runs are counted apart.
 *
 * <pre>{@code
 * DeliveryAudit audit = new DeliveryAudit("demo-run");
 * // in the handler: audit.record(SampleEvent.parse(body), Instant.now());
 * DeliveryAudit.Report r = audit.report(summary.sent());   // r.missing() == 0 ?
 * }</pre>
 */
public final class DeliveryAudit {

    private static final int MAX_LISTED = 100;

    /**
     * @param expected        events the producer acknowledged
     * @param received        deliveries seen, duplicates included
     * @param unique          distinct {@code seq}s seen
     * @param duplicates      {@code received - unique}
     * @param missing         {@code seq}s in {@code [0, expected)} never seen
     * @param missingSeqs     the first 100 of them
     * @param otherRuns       deliveries carrying another run id
     */
    public record Report(long expected, long received, long unique, long duplicates, long missing, List<Long> missingSeqs,
            long otherRuns, Duration latencyP50, Duration latencyP99, Duration latencyMax) {

        public boolean complete() {
            return missing == 0;
        }
    }

    private final String runId;
    private final BitSet seen = new BitSet();
    private final Map<Long, Integer> extraCopies = new HashMap<>();
    private long received;
    private long otherRuns;
    private long[] latencies = new long[1024];
    private int latencyCount;

    public DeliveryAudit(String runId) {
        this.runId = runId;
    }

    public synchronized void record(SampleEvent event, Instant receivedAt) {
        if (!runId.equals(event.runId())) {
            otherRuns++;
            return;
        }
        received++;
        int seq = Math.toIntExact(event.seq());
        if (seen.get(seq)) {
            extraCopies.merge(event.seq(), 1, Integer::sum);
        } else {
            seen.set(seq);
        }
        if (latencyCount == latencies.length) latencies = Arrays.copyOf(latencies, latencyCount * 2);
        latencies[latencyCount++] = Math.max(0, event.latencyAt(receivedAt).toNanos());
    }

    public synchronized Report report(long expected) {
        long unique = seen.cardinality();
        List<Long> missingSeqs = new ArrayList<>();
        long missing = 0;
        for (int i = seen.nextClearBit(0); i < expected; i = seen.nextClearBit(i + 1)) {
            missing++;
            if (missingSeqs.size() < MAX_LISTED) missingSeqs.add((long) i);
        }
        long[] sorted = Arrays.copyOf(latencies, latencyCount);
        Arrays.sort(sorted);
        return new Report(expected, received, unique, received - unique, missing, List.copyOf(missingSeqs), otherRuns,
                pct(sorted, 0.50), pct(sorted, 0.99), sorted.length == 0 ? Duration.ZERO : Duration.ofNanos(sorted[sorted.length - 1]));
    }

    private static Duration pct(long[] sorted, double p) {
        if (sorted.length == 0) return Duration.ZERO;
        int rank = (int) Math.ceil(p * sorted.length);
        return Duration.ofNanos(sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))]);
    }
}
