package io.pipekit.bench.worker;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * Side-by-side drain benchmark (a benchmark, not a test). ElasticMQ runs in a child JVM; each
 * consumer — raw SDK receive/delete loops on 16 and 32 threads, spring-cloud-aws's
 * {@code SqsMessageListenerContainer} at its defaults and tuned, pipekit at its defaults — runs in
 * a child JVM of its own, so each has its own JIT profile and its CPU is its own. Every round fills
 * one fresh queue per consumer with N 200-byte messages (not measured) and has the consumers drain
 * them one after another, the order rotated each round.
 *
 * <p>Round 0 is the cold drain: the first the consumer ever does, in a JVM that has run nothing of
 * it. Then warm-up rounds (discarded), then measured rounds, of which the medians are printed. A
 * drain's clock runs from starting the consumer to the N-th acknowledged delete, counted by an SDK
 * interceptor on the consumer's client, which also counts its requests by operation.
 *
 * <pre>java -cp … io.pipekit.bench.worker.WorkerThroughput [messages=30000] [rounds=5] [warmups=12]</pre>
 */
public final class WorkerThroughput {

    /** 200 bytes: an order event as a producer would send it. */
    static final String BODY = bodyOf(200);

    private WorkerThroughput() {
    }

    /** One drain as a consumer child reported it, with the server's CPU over the same drain. */
    record Drain(int messages, long nanos, long consumerCpuNanos, long serverCpuNanos, Map<String, Long> calls) {
        double rate() {
            return messages / (nanos / 1e9);
        }

        double consumerCpuMsPer1k() {
            return consumerCpuNanos / 1e6 / messages * 1000;
        }

        double serverCpuMsPer1k() {
            return serverCpuNanos / 1e6 / messages * 1000;
        }
    }

    public static void main(String[] args) throws Exception {
        int messages = args.length > 0 ? Integer.parseInt(args[0]) : 30_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int warmups = args.length > 2 ? Integer.parseInt(args[2]) : 12;
        System.out.printf("worker drain, side by side: %,d × %d-byte messages per drain, no-op handler, cold drain + %d warm-up + %d measured rounds; %d cores, Java %s, load %s%n",
                messages, BODY.length(), warmups, rounds, Runtime.getRuntime().availableProcessors(), Runtime.version(), loadAverage());

        Map<Consumer, Drain> cold = new EnumMap<>(Consumer.class);
        Map<Consumer, List<Drain>> measured = new EnumMap<>(Consumer.class);
        try (ChildJvm server = ChildJvm.start(SqsServerProcess.class)) {
            URI endpoint = URI.create(server.answer().substring("endpoint ".length()));
            Map<Consumer, ChildJvm> consumers = new EnumMap<>(Consumer.class);
            try (SqsClient filler = fillerClient(endpoint)) {
                for (Consumer consumer : selected()) {
                    ChildJvm child = ChildJvm.start(ConsumerProcess.class, consumer.name(), endpoint.toString());
                    consumers.put(consumer, child);
                    expect(child.answer(), "ready");
                }
                Consumer[] order = consumers.keySet().toArray(Consumer[]::new);
                for (int round = 0; round <= warmups + rounds; round++) {
                    String phase = round == 0 ? "cold" : round <= warmups ? "warm-up" : "measured";
                    System.out.printf("round %d (%s)%n", round, phase);
                    for (int i = 0; i < order.length; i++) {
                        Consumer consumer = order[(i + round) % order.length];
                        String queue = fill(filler, consumer.name().toLowerCase().replace('_', '-') + "-" + round, messages);
                        Drain drain = drain(server, consumers.get(consumer), queue, messages);
                        System.out.printf("  %-48s %,9.0f msg/s  cpu %6.1f ms/1k  server %6.1f ms/1k  %s%n", consumer.label, drain.rate(),
                                drain.consumerCpuMsPer1k(), drain.serverCpuMsPer1k(), drain.calls());
                        if (round == 0) {
                            cold.put(consumer, drain);
                        } else if (round > warmups) {
                            measured.computeIfAbsent(consumer, k -> new ArrayList<>()).add(drain);
                        }
                    }
                }
            } finally {
                for (ChildJvm child : consumers.values()) {
                    child.close();
                }
            }
        }
        System.out.println();
        printTable(cold, measured);
    }

    /** All consumers but the diagnostic rows, or those named in {@code -Dbench.consumers=RAW_32,PIPEKIT_DEFAULT} (for a quick look). */
    private static List<Consumer> selected() {
        String only = System.getProperty("bench.consumers");
        return only == null ? java.util.Arrays.stream(Consumer.values()).filter(c -> !c.isDiagnostic()).toList()
                : java.util.Arrays.stream(only.split(",")).map(String::trim).map(Consumer::valueOf).sorted().toList();
    }

    private static Drain drain(ChildJvm server, ChildJvm consumer, String queue, int messages) throws IOException {
        Duration serverBefore = server.cpu();
        consumer.send("drain " + queue + " " + messages);
        String[] answer = consumer.answer().split(" ", 4);
        Duration serverAfter = server.cpu();
        expect(answer[0], "done");
        Map<String, Long> calls = new TreeMap<>();
        if (answer.length > 3 && !answer[3].isBlank()) {
            for (String entry : answer[3].split(",")) {
                String[] kv = entry.split("=");
                calls.put(kv[0], Long.parseLong(kv[1]));
            }
        }
        return new Drain(messages, Long.parseLong(answer[1]), Long.parseLong(answer[2]), serverAfter.minus(serverBefore).toNanos(), calls);
    }

    private static void printTable(Map<Consumer, Drain> cold, Map<Consumer, List<Drain>> measured) {
        Consumer ceiling = measured.keySet().stream().filter(Consumer::isRaw)
                .max(Comparator.comparingDouble(c -> median(measured.get(c), Drain::rate)))
                .orElse(measured.keySet().iterator().next());
        double ceilingRate = median(measured.get(ceiling), Drain::rate);
        double rawCpu = median(measured.get(ceiling), Drain::consumerCpuMsPer1k);
        double rawServer = median(measured.get(ceiling), Drain::serverCpuMsPer1k);
        double rawCalls = callsPerMessage(measured.get(ceiling));
        double rawCold = cold.get(ceiling).rate();
        System.out.printf("Ceiling: %s (the better raw loop). Medians of %d measured rounds; calls are totals over them; ×raw compares with the ceiling loop.%n",
                ceiling.label, measured.get(ceiling).size());
        System.out.println();
        System.out.println("| consumer | median msg/s | runs | × ceiling | consumer CPU ms/1k msgs (× raw) | server CPU ms/1k msgs (× raw) | SQS calls/msg (× raw) | calls per 1k msgs by operation | cold first drain msg/s (× raw) |");
        System.out.println("|---|---:|---|---:|---:|---:|---:|---|---:|");
        for (Consumer consumer : measured.keySet()) {
            List<Drain> drains = measured.get(consumer);
            double rate = median(drains, Drain::rate);
            double cpu = median(drains, Drain::consumerCpuMsPer1k);
            double server = median(drains, Drain::serverCpuMsPer1k);
            double calls = callsPerMessage(drains);
            double coldRate = cold.get(consumer).rate();
            System.out.printf("| %s | %,.0f | %s | %.2f× | %.1f (%.2f×) | %.1f (%.2f×) | %.3f (%.2f×) | %s | %,.0f (%.2f×) |%n",
                    consumer.label, rate, drains.stream().map(d -> String.format("%,.0f", d.rate())).collect(Collectors.joining(", ")),
                    rate / ceilingRate, cpu, cpu / rawCpu, server, server / rawServer, calls, calls / rawCalls,
                    byOperation(drains), coldRate, coldRate / rawCold);
        }
    }

    private static double callsPerMessage(List<Drain> drains) {
        long calls = drains.stream().mapToLong(d -> d.calls().values().stream().mapToLong(Long::longValue).sum()).sum();
        return (double) calls / drains.stream().mapToLong(Drain::messages).sum();
    }

    private static String byOperation(List<Drain> drains) {
        Map<String, Long> total = new TreeMap<>();
        drains.forEach(d -> d.calls().forEach((op, n) -> total.merge(op, n, Long::sum)));
        long messages = drains.stream().mapToLong(Drain::messages).sum();
        return total.entrySet().stream().map(e -> String.format("%s %.1f", e.getKey(), e.getValue() * 1000.0 / messages))
                .collect(Collectors.joining(" · "));
    }

    /** The median of one metric over a consumer's measured rounds (also used by {@link EngineOverhead}). */
    static <T> double median(List<T> rounds, java.util.function.ToDoubleFunction<T> metric) {
        List<Double> sorted = rounds.stream().map(metric::applyAsDouble).sorted(Comparator.naturalOrder()).toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static void expect(String answer, String expected) {
        if (!answer.startsWith(expected)) {
            throw new IllegalStateException("child answered '" + answer + "', expected '" + expected + "'");
        }
    }

    private static SqsClient fillerClient(URI endpoint) {
        return SqsClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClientBuilder(ApacheHttpClient.builder().maxConnections(16))
                .build();
    }

    /** Creates a queue and sends N messages with parallel SendMessageBatch calls (not measured). */
    private static String fill(SqsClient sqs, String name, int messages) throws Exception {
        String queue = sqs.createQueue(b -> b.queueName("bench-" + name)).queueUrl();
        AtomicInteger next = new AtomicInteger();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<?>> jobs = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                jobs.add(pool.submit(() -> {
                    for (int from; (from = next.getAndAdd(10)) < messages; ) {
                        List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
                        for (int i = from; i < Math.min(from + 10, messages); i++) {
                            entries.add(SendMessageBatchRequestEntry.builder().id("e" + i).messageBody(BODY).build());
                        }
                        sqs.sendMessageBatch(b -> b.queueUrl(queue).entries(entries));
                    }
                }));
            }
            for (Future<?> job : jobs) {
                job.get();
            }
        }
        return queue;
    }

    private static String bodyOf(int bytes) {
        String head = "{\"type\":\"order.created\",\"orderId\":\"o-000000\",\"total\":42.5,\"pad\":\"";
        String tail = "\"}";
        return head + "x".repeat(bytes - head.length() - tail.length()) + tail;
    }

    private static String loadAverage() {
        try {
            String[] fields = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException e) {
            return "n/a";
        }
    }
}
