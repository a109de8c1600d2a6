package io.pipekit.producers.bench;

import io.pipekit.local.EmbeddedSqs;
import io.pipekit.producers.Producer;
import io.pipekit.producers.RunSummary;
import io.pipekit.producers.SampleEvent;
import io.pipekit.producers.Scenario;
import io.pipekit.producers.Target;
import io.pipekit.producers.Targets;
import io.pipekit.producers.TrafficPlan;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * How well the producer holds a requested rate for 10 s: achieved/requested, and the spread of the
 * per-second counts (from each event's producedAt). First into an in-memory target (the limiter
 * alone), then into ElasticMQ over HTTP (the limiter while real calls run). Not a test.
 *
 * <p>Run: {@code ./bench rate [seconds]}
 */
public final class RateLimiterBench {

    public static void main(String[] args) {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        System.out.printf(Locale.ROOT, "rate limiter, %d s per run, %d cores%n", seconds, Runtime.getRuntime().availableProcessors());
        System.out.printf(Locale.ROOT, "%-10s %10s %10s %8s %9s %9s %9s%n", "target", "requested", "achieved", "ratio",
                "sec-min", "sec-med", "sec-max");
        Producer.run(plan(1_000, 2), new Recording()); // JVM warm-up, not measured
        for (double rate : new double[] {100, 1_000, 10_000}) {
            Recording sink = new Recording();
            RunSummary s = Producer.run(plan(rate, seconds), sink);
            print("memory", rate, s, sink.perSecond(seconds));
        }
        try (EmbeddedSqs sqsServer = EmbeddedSqs.start(); SqsClient sqs = sqsServer.newClient()) {
            String warm = sqsServer.createQueue("bench-warm-up", Map.of()); // JIT and connection pool, not measured
            Producer.run(TrafficPlan.of(Scenario.ORDERS).withCount(3_000), Targets.sqs(sqs, warm));
            for (double rate : new double[] {200, 1_000}) {
                String url = sqsServer.createQueue("bench-" + (int) rate, Map.of());
                Recording timing = new Recording();
                Target<?> target = Targets.sqs(sqs, url);
                RunSummary s = Producer.run(plan(rate, seconds), new Tee<>(target, timing));
                print("elasticmq", rate, s, timing.perSecond(seconds));
            }
        }
    }

    private static TrafficPlan plan(double rate, int seconds) {
        return TrafficPlan.of(Scenario.ORDERS).forDuration(Duration.ofSeconds(seconds)).withRate(rate);
    }

    private static void print(String target, double rate, RunSummary s, long[] perSecond) {
        long[] sorted = perSecond.clone();
        Arrays.sort(sorted);
        double achieved = s.generated() / (double) s.plan().duration().toSeconds();
        System.out.printf(Locale.ROOT, "%-10s %10.0f %10.1f %8.4f %9d %9d %9d   (sent %d, failed %d, call p50 %.1f ms, p99 %.1f ms)%n",
                target, rate, achieved, achieved / rate, sorted[0], sorted[sorted.length / 2], sorted[sorted.length - 1],
                s.sent(), s.failed(), s.callLatencyP50().toNanos() / 1e6, s.callLatencyP99().toNanos() / 1e6);
    }

    /** Accepts everything and records each event's producedAt. */
    static final class Recording implements Target<SampleEvent> {
        final ConcurrentLinkedQueue<Long> producedAtMillis = new ConcurrentLinkedQueue<>();

        @Override public String describe() { return "memory"; }
        @Override public int maxBatchEntries() { return 500; }
        @Override public long maxBatchBytes() { return Long.MAX_VALUE; }
        @Override public Entry<SampleEvent> encode(SampleEvent e) { return new Entry<>(e, e, 1, null); }

        @Override
        public List<Outcome> send(List<Entry<SampleEvent>> batch) {
            batch.forEach(e -> producedAtMillis.add(e.event().producedAt().toEpochMilli()));
            return batch.stream().map(e -> Outcome.DELIVERED).toList();
        }

        void seen(SampleEvent e) {
            producedAtMillis.add(e.producedAt().toEpochMilli());
        }

        long[] perSecond(int seconds) {
            long start = producedAtMillis.stream().mapToLong(Long::longValue).min().orElse(0);
            long[] counts = new long[seconds];
            for (long t : producedAtMillis) {
                int i = (int) ((t - start) / 1000);
                if (i < seconds) counts[i]++;
            }
            return counts;
        }
    }

    /** Sends through a real target and records each event's producedAt as it is encoded. */
    record Tee<R>(Target<R> real, Recording timing) implements Target<R> {
        @Override public String describe() { return real.describe(); }
        @Override public int maxBatchEntries() { return real.maxBatchEntries(); }
        @Override public long maxBatchBytes() { return real.maxBatchBytes(); }
        @Override public List<Outcome> send(List<Entry<R>> batch) { return real.send(batch); }

        @Override
        public Entry<R> encode(SampleEvent event) {
            timing.seen(event);
            return real.encode(event);
        }
    }

}
