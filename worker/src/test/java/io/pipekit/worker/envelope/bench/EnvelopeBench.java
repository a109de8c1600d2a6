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
 * Runs {@link EnvelopeDecodeBenchmark} and prints, per body, the median throughput of the bare
 * Jackson {@code readTree} baseline, {@code decode} and {@code decodeAndPayload}, with ratios.
 *
 * <p>The machine this kit is built on is shared, so load swings between benchmarks. To keep the
 * ratio honest the three methods for one body run back to back (paired), and the whole set is
 * repeated for several rounds; the reported ratio is the median of the per-round ratios. Not a test:
 * nothing asserts on timing. Run with {@code worker/scripts/bench-envelopes.sh [rounds] [iterations]}
 * (default 3 rounds of 2 warmup + 4 measured 0.5 s iterations per method, one fork each).
 */
public final class EnvelopeBench {

    private static final String[] METHODS = {"readTree", "decode", "decodeAndPayload"};

    private EnvelopeBench() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int iterations = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        String[] fixtures = EnvelopeDecodeBenchmark.class.getField("fixture").getAnnotation(org.openjdk.jmh.annotations.Param.class).value();
        double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();

        // fixture -> method -> per-round medians
        Map<String, Map<String, List<Double>>> perRound = new LinkedHashMap<>();
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
                }
            }
        }

        double loadAfter = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        System.out.printf("%nEnvelope decode throughput, ops/s (median of %d paired rounds; each round: %d x 0.5 s measured"
                + " iterations per method after 2 warmups, 1 fork, 1 thread)%n", rounds, iterations);
        System.out.printf("machine: %d cpus, %s %s, JDK %s; load average %.1f before, %.1f after%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"), System.getProperty("os.arch"),
                Runtime.version(), loadBefore, loadAfter);
        System.out.printf("%-31s %11s %11s %11s %8s %13s %8s%n", "body", "readTree", "decode", "decode+use", "d/rT",
                "(min-max)", "d+u/rT");
        perRound.forEach((fixture, m) -> {
            List<Double> baseline = m.get(METHODS[0]);
            List<Double> ratios = ratios(m.get(METHODS[1]), baseline);
            System.out.printf("%-31s %,11.0f %,11.0f %,11.0f %8.2f %13s %8.2f%n", fixture,
                    median(baseline), median(m.get(METHODS[1])), median(m.get(METHODS[2])),
                    median(ratios), String.format("(%.2f-%.2f)", ratios.stream().min(Double::compare).orElseThrow(),
                            ratios.stream().max(Double::compare).orElseThrow()),
                    median(ratios(m.get(METHODS[2]), baseline)));
        });
        System.out.println("d/rT = decode / readTree of the same body (1.00 = as fast as parsing the body with Jackson alone);"
                + " d+u/rT adds the payload a handler typically reads.");
    }

    private static List<Double> ratios(List<Double> values, List<Double> baseline) {
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            ratios.add(values.get(i) / baseline.get(i));
        }
        return ratios;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
