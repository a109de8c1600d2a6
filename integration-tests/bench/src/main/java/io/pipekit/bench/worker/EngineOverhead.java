package io.pipekit.bench.worker;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the consumer's own machinery costs per message, with SQS taken out: each consumer drains a
 * {@link ScriptedSqs} (answers at once, no server, no SDK request pipeline) in a child JVM of its
 * own, and its process CPU per message is compared with the raw loop's on the same scripted SQS.
 * For pipekit the difference is the engine: hand-offs to handler and delete threads, capacity,
 * registry, heartbeat, conversion to {@code QueueMessage}. Set against what a message costs with a
 * real server ({@code ./bench worker}), it says how much of pipekit's gap the engine can account for.
 *
 * <pre>java -cp … io.pipekit.bench.worker.EngineOverhead [messages=300000] [rounds=5] [warmups=3]</pre>
 */
public final class EngineOverhead {

    private static final List<Consumer> CONSUMERS = List.of(Consumer.RAW_16, Consumer.RAW_32, Consumer.PIPEKIT_DEFAULT);
    private static final String QUEUE_URL = "http://scripted.local/000000000000/engine";

    private EngineOverhead() {
    }

    record Round(long messages, long nanos, long cpuNanos) {
        double rate() {
            return messages / (nanos / 1e9);
        }

        double cpuMicrosPerMessage() {
            return cpuNanos / 1e3 / messages;
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--child")) {
            child(Consumer.valueOf(args[1]));
            return;
        }
        int messages = args.length > 0 ? Integer.parseInt(args[0]) : 300_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int warmups = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        System.out.printf("engine overhead: %,d messages per drain from a scripted SQS that answers at once, no-op handler, %d warm-up + %d measured rounds; %d cores, Java %s%n",
                messages, warmups, rounds, Runtime.getRuntime().availableProcessors(), Runtime.version());
        Map<Consumer, ChildJvm> children = new TreeMap<>();
        Map<Consumer, List<Round>> measured = new TreeMap<>();
        try {
            for (Consumer consumer : CONSUMERS) {
                ChildJvm child = ChildJvm.start(EngineOverhead.class, "--child", consumer.name());
                children.put(consumer, child);
                if (!child.answer().equals("ready")) {
                    throw new IllegalStateException(consumer + " did not start");
                }
            }
            for (int round = 0; round < warmups + rounds; round++) {
                for (int i = 0; i < CONSUMERS.size(); i++) { // the order rotates each round
                    Consumer consumer = CONSUMERS.get((i + round) % CONSUMERS.size());
                    ChildJvm child = children.get(consumer);
                    child.send("drain " + messages);
                    String[] done = child.answer().split(" ");
                    Round result = new Round(messages, Long.parseLong(done[1]), Long.parseLong(done[2]));
                    System.out.printf("  round %d %-26s %,12.0f msg/s  cpu %6.2f µs/msg%s%n", round, consumer.label, result.rate(),
                            result.cpuMicrosPerMessage(), round < warmups ? "  (warm-up)" : "");
                    if (round >= warmups) {
                        measured.computeIfAbsent(consumer, k -> new ArrayList<>()).add(result);
                    }
                }
            }
        } finally {
            for (ChildJvm child : children.values()) {
                child.close();
            }
        }
        Consumer baseline = measured.keySet().stream().filter(Consumer::isRaw)
                .min(Comparator.comparingDouble(c -> WorkerThroughput.median(measured.get(c), Round::cpuMicrosPerMessage))).orElseThrow();
        double baseCpu = WorkerThroughput.median(measured.get(baseline), Round::cpuMicrosPerMessage);
        System.out.println();
        System.out.printf("Baseline: %s (the raw loop with the lower CPU per message). Medians of %d measured rounds.%n", baseline.label, rounds);
        System.out.println();
        System.out.println("| consumer | median msg/s | CPU µs/msg | × baseline | µs/msg above baseline |");
        System.out.println("|---|---:|---:|---:|---:|");
        for (Map.Entry<Consumer, List<Round>> entry : measured.entrySet()) {
            double cpu = WorkerThroughput.median(entry.getValue(), Round::cpuMicrosPerMessage);
            System.out.printf("| %s | %,.0f | %.2f | %.2f× | %+.2f |%n", entry.getKey().label, WorkerThroughput.median(entry.getValue(), Round::rate),
                    cpu, cpu / baseCpu, cpu - baseCpu);
        }
    }

    /** In the child: one consumer, one scripted SQS; {@code drain N} → {@code done <nanos> <cpuNanos>}. */
    private static void child(Consumer consumer) throws Exception {
        ChildJvm.exitWithParent();
        ScriptedSqs sqs = new ScriptedSqs();
        ChildJvm.reply("ready");
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = commands.readLine()) != null; ) {
            long messages = Long.parseLong(line.split(" ")[1]);
            sqs.fill(messages);
            long cpu = ChildJvm.processCpuNanos();
            long start = System.nanoTime();
            try (Consumer.Running running = consumer.start(sqs, QUEUE_URL)) {
                sqs.awaitDeleted();
                long nanos = System.nanoTime() - start;
                long cpuNanos = ChildJvm.processCpuNanos() - cpu;
                ChildJvm.reply("done " + nanos + " " + cpuNanos);
            } // stopped after the measurement
        }
        System.exit(0);
    }
}
