package io.pipekit.producers.cli;

import io.pipekit.producers.KeySpace;
import io.pipekit.producers.Scenario;
import io.pipekit.producers.TrafficPlan;
import io.pipekit.producers.internal.report.ConsoleProgress;
import java.time.Duration;
import java.util.UUID;
import picocli.CommandLine.Option;

/** The options every target shares: what to generate and how fast. */
final class TrafficOptions {

    @Option(names = "--scenario", defaultValue = "orders", description = "The kind of events to generate: orders, clickstream or iot (default: ${DEFAULT-VALUE}).")
    String scenario;

    @Option(names = {"-n", "--count"}, description = "Events to produce (default 100 unless --duration is given).")
    Long count;

    @Option(names = {"-d", "--duration"}, converter = DurationConverter.class,
            description = "How long to produce, e.g. 30s, 5m, 1h, 500ms, PT10S. With --count: whichever ends first.")
    Duration duration;

    @Option(names = {"-r", "--rate"}, defaultValue = "100", description = "Events per second, steady (token bucket); 0 = as fast as the target accepts (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--payload-size", defaultValue = "0", description = "Pad each serialized event to this many bytes; 0 = natural size (about 300-600 B).")
    int payloadSize;

    @Option(names = "--partition-keys", defaultValue = "100", description = "Key cardinality and hot-key skew: N or N:hot=F, e.g. 1000:hot=0.3 sends 30%% of events to one key (default: ${DEFAULT-VALUE}).")
    String partitionKeys;

    @Option(names = "--seed", defaultValue = "1", description = "Seed for every generated value; the same seed repeats the same events (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--run-id", description = "Run id stamped into every event (default: a random UUID).")
    String runId;

    @Option(names = "--concurrency", defaultValue = "4", description = "Batch calls in flight at once; 1 keeps per-key order (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--max-attempts", defaultValue = "8", description = "Attempts per entry before it counts as failed (default: ${DEFAULT-VALUE}).")
    int maxAttempts;

    @Option(names = "--linger", defaultValue = "50ms", converter = DurationConverter.class, description = "Longest wait for a batch to fill (default: ${DEFAULT-VALUE}).")
    Duration linger;

    @Option(names = "--progress", defaultValue = "auto", description = "How to show progress on stderr: auto (a bar on a terminal, lines otherwise), bar, lines or none (default: ${DEFAULT-VALUE}).")
    ConsoleProgress.Mode progress;

    TrafficPlan plan() {
        long n = count != null ? count : (duration != null ? 0 : 100);
        return new TrafficPlan(Scenario.of(scenario), n, duration, rate, payloadSize, KeySpace.parse(partitionKeys),
                seed, runId != null ? runId : UUID.randomUUID().toString(), concurrency, maxAttempts, linger);
    }
}
