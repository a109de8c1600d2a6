package io.pipekit.worker.envelope.bench;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs {@link EnvelopeDecodeBenchmark} and prints, per body, the median per-call time of the bare
 * Jackson {@code readTree} baseline, {@code decode} and {@code decodeAndPayload}, the equivalent
 * single-thread throughput, and the ratios.
 *
 * <p>The machine this kit is built on is shared, so load swings between benchmarks. To keep the
 * ratio honest the benchmark samples per-call times (whose median ignores preemption), the three
 * methods for one body run back to back (paired), and the whole set is repeated for several rounds;
 * the reported ratio is the median of the per-round ratios. Not a test: nothing asserts on timing.
 * Run with {@code ./bench envelopes [rounds] [iterations] [fixture,fixture…]} from the repository root
 * (default 3 rounds of 2 warmup + 4 measured 0.5 s iterations per method, one fork each).
 */
public final class EnvelopeBench {

    private static final String[] METHODS = {"readTree", "decode", "decodeAndPayload"};

    private EnvelopeBench() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int iterations = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        String[] fixtures = args.length > 2 ? args[2].split(",")
                : EnvelopeDecodeBenchmark.class.getField("fixture").getAnnotation(org.openjdk.jmh.annotations.Param.class).value();
        double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();

        // fixture -> method -> per-round medians (p50) and 10th percentiles (p10) of the sampled call times
        Map<String, Map<String, List<Double>>> perRound = new LinkedHashMap<>();
        Map<String, Map<String, List<Double>>> perRoundP10 = new LinkedHashMap<>();
        for (int round = 0; round < rounds; round++) {
            for (String fixture : fixtures) {
                Options options = new OptionsBuilder()
                        .include(EnvelopeDecodeBenchmark.class.getName() + "\\.")
                        .param("fixture", fixture)
                        .forks(1)
                        .threads(1)
                        .warmupIterations(2)
                        .warmupTime(TimeValue.milliseconds(500))
                        .measurementIterations(iterations)
                        .measurementTime(TimeValue.milliseconds(500))
                        .jvmArgsAppend("-Xms256m", "-Xmx256m")
                        .build();
                for (RunResult result : new Runner(options).run()) {
                    String benchmark = result.getParams().getBenchmark();
                    String method = benchmark.substring(benchmark.lastIndexOf('.') + 1);
                    perRound.computeIfAbsent(fixture, f -> new LinkedHashMap<>())
                            .computeIfAbsent(method, m -> new ArrayList<>())
                            .add(result.getPrimaryResult().getStatistics().getPercentile(50));
                    perRoundP10.computeIfAbsent(fixture, f -> new LinkedHashMap<>())
                            .computeIfAbsent(method, m -> new ArrayList<>())
                            .add(result.getPrimaryResult().getStatistics().getPercentile(10));
                }
            }
        }

        double loadAfter = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        System.out.printf("%nEnvelope decode: median ns per call (median of %d paired rounds; each round: %d x 0.5 s sampled"
                + " iterations per method after 2 warmups, 1 fork, 1 thread)%n", rounds, iterations);
        System.out.printf("machine: %d cpus, %s %s, JDK %s; load average %.1f before, %.1f after%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"), System.getProperty("os.arch"),
                Runtime.version(), loadBefore, loadAfter);
        System.out.printf("%-30s %9s %9s %10s %12s %6s %11s %7s %8s%n", "body", "readTree", "decode", "decode+use",
                "decode ops/s", "d/rT", "(min-max)", "d+u/rT", "d/rT@p10");
        perRound.forEach((fixture, m) -> {
            List<Double> baseline = m.get(METHODS[0]);
            List<Double> ratios = ratios(m.get(METHODS[1]), baseline);
            Map<String, List<Double>> p10 = perRoundP10.get(fixture);
            System.out.printf("%-30s %9.0f %9.0f %10.0f %,12.0f %6.2f %11s %7.2f %8.2f%n", fixture,
                    median(baseline), median(m.get(METHODS[1])), median(m.get(METHODS[2])), 1e9 / median(m.get(METHODS[1])),
                    median(ratios), String.format("(%.2f-%.2f)", ratios.stream().min(Double::compare).orElseThrow(),
                            ratios.stream().max(Double::compare).orElseThrow()),
                    median(ratios(m.get(METHODS[2]), baseline)),
                    median(ratios(p10.get(METHODS[1]), p10.get(METHODS[0]))));
        });
        System.out.println("d/rT = decode throughput relative to readTree of the same body (readTree ns / decode ns;"
                + " 1.00 = as fast as parsing the body with Jackson alone); d+u/rT adds the payload a handler typically reads;"
                + " d/rT@p10 compares 10th-percentile call times, the least disturbed by other processes.");
    }

    /** Relative throughput per round: baseline time / measured time. */
    private static List<Double> ratios(List<Double> times, List<Double> baselineTimes) {
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < times.size(); i++) {
            ratios.add(baselineTimes.get(i) / times.get(i));
        }
        return ratios;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
