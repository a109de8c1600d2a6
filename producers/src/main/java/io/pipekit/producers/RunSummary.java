package io.pipekit.producers;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The outcome of a run (or a snapshot while it runs).
 *
 * @param generated     events released by the rate limiter and handed to the target
 * @param sent          entries the service acknowledged
 * @param failed        entries given up on (non-retryable error, or attempts exhausted); never silent
 * @param retried       entry re-sends (one entry retried twice counts 2)
 * @param throttled     throttling responses seen (per entry, plus whole-call throttles per entry)
 * @param calls         batch API calls made
 * @param failuresByCode failed entries grouped by AWS error code
 * @param failedEventIds up to the first 100 failed event ids, to look them up
 */
public record RunSummary(
        String target,
        String runId,
        TrafficPlan plan,
        long generated,
        long sent,
        long failed,
        long retried,
        long throttled,
        long calls,
        Duration elapsed,
        Duration callLatencyP50,
        Duration callLatencyP99,
        Map<String, Long> failuresByCode,
        List<String> failedEventIds) {

    /** Acknowledged entries per second of wall time. */
    public double achievedRate() {
        double s = elapsed.toNanos() / 1e9;
        return s <= 0 ? 0 : sent / s;
    }

    public boolean allDelivered() {
        return failed == 0 && sent == generated;
    }

    /** The multi-line human summary printed by the CLI. */
    public String toText() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "target     %s (run %s, scenario %s)%n", target, runId, plan.scenario().id()));
        b.append(String.format(Locale.ROOT, "sent       %d of %d generated%n", sent, generated));
        b.append(String.format(Locale.ROOT, "failed     %d%s%n", failed, failuresByCode.isEmpty() ? "" : " " + failuresByCode));
        b.append(String.format(Locale.ROOT, "retried    %d (throttled %d)%n", retried, throttled));
        b.append(String.format(Locale.ROOT, "rate       %.1f/s achieved%s over %.2f s%n", achievedRate(),
                plan.ratePerSec() > 0 ? String.format(Locale.ROOT, " (requested %.1f/s)", plan.ratePerSec()) : " (unlimited)",
                elapsed.toNanos() / 1e9));
        b.append(String.format(Locale.ROOT, "calls      %d, latency p50 %.1f ms, p99 %.1f ms%n", calls,
                callLatencyP50.toNanos() / 1e6, callLatencyP99.toNanos() / 1e6));
        if (!failedEventIds.isEmpty()) {
            b.append("failed ids ").append(failedEventIds).append(System.lineSeparator());
        }
        return b.toString();
    }
}
