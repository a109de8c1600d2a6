package io.pipekit.worker.envelope.bench;

import java.lang.management.ManagementFactory;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs {@link EnvelopeDecodeBenchmark} with short settings and prints, per kind, the median
 * throughput of {@code decode}, {@code decodeAndPayload} and the bare Jackson {@code readTree} of the
 * same body, with the ratios. Not a test (no assertions on timing); run it with
 * {@code worker/scripts/bench-envelopes.sh} (see worker/README.md). Optional args: warmup and
 * measurement iterations (1 s each), default 3 and 5.
 */
public final class EnvelopeBench {

    private EnvelopeBench() {
    }

    public static void main(String[] args) throws Exception {
        int warmups = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int measurements = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Options options = new OptionsBuilder()
                .include(EnvelopeDecodeBenchmark.class.getName())
                .forks(1)
                .threads(1)
                .warmupIterations(warmups)
                .warmupTime(TimeValue.seconds(1))
                .measurementIterations(measurements)
                .measurementTime(TimeValue.seconds(1))
                .jvmArgsAppend("-Xms512m", "-Xmx512m")
                .build();
        Collection<RunResult> results = new Runner(options).run();

        Map<String, Map<String, Double>> medians = new TreeMap<>();
        for (RunResult result : results) {
            String fixture = result.getParams().getParam("fixture");
            String method = result.getParams().getBenchmark().substring(result.getParams().getBenchmark().lastIndexOf('.') + 1);
            medians.computeIfAbsent(fixture, f -> new TreeMap<>())
                    .put(method, result.getPrimaryResult().getStatistics().getPercentile(50));
        }
        System.out.printf("%nEnvelope decode, median ops/s over %d x 1 s iterations (1 fork, 1 thread)%n", measurements);
        System.out.printf("machine: %d cpus, %s, JDK %s%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.arch"), Runtime.version());
        System.out.printf("%-32s %12s %12s %12s %8s %8s%n", "body", "readTree", "decode", "decode+use", "d/rT", "d+u/rT");
        medians.forEach((fixture, m) -> System.out.printf("%-32s %,12.0f %,12.0f %,12.0f %8.2f %8.2f%n",
                fixture, m.get("readTree"), m.get("decode"), m.get("decodeAndPayload"),
                m.get("decode") / m.get("readTree"), m.get("decodeAndPayload") / m.get("readTree")));
        System.out.println("(ratio > 1: faster than the bare readTree baseline; input args of this JVM: "
                + ManagementFactory.getRuntimeMXBean().getInputArguments() + ")");
    }
}
