package io.pipekit.worker.sqsd.bench;

import com.sun.net.httpserver.HttpServer;
import io.pipekit.local.EmbeddedSqs;
import io.pipekit.worker.MessageHandler;
import io.pipekit.worker.Worker;
import io.pipekit.worker.WorkerListener;
import io.pipekit.worker.WorkerOptions;
import io.pipekit.worker.sqsd.BodyMode;
import io.pipekit.worker.sqsd.SqsdConfig;
import io.pipekit.worker.sqsd.SqsdForwarder;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * What sqsd mode costs (a benchmark, not a test): drains N messages from embedded ElasticMQ with the
 * worker and (a) an in-process no-op handler — the baseline — (b) the sqsd forwarder POSTing raw
 * bodies to a local JDK HttpServer that answers 200, (c) the same in decoded mode (EventBridge
 * events, body = detail). After a warm-up round, variants alternate round by round in one JVM against one server; prints
 * medians and the ratio to the baseline.
 *
 * <pre>./bench sqsd [messages=5000] [rounds=3] [concurrency=50]</pre>
 */
public final class SqsdThroughput {

    private static final String EVENT = "{\"version\":\"0\",\"id\":\"e-%d\",\"detail-type\":\"Order Placed\",\"source\":\"com.acme.orders\","
            + "\"account\":\"000000000000\",\"time\":\"2026-11-23T12:00:00Z\",\"region\":\"us-east-1\",\"resources\":[],"
            + "\"detail\":{\"orderId\":\"o-%d\",\"total\":42.5,\"pad\":\"" + "x".repeat(120) + "\"}}";

    public static void main(String[] args) throws Exception {
        int messages = args.length > 0 ? Integer.parseInt(args[0]) : 5_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int concurrency = args.length > 2 ? Integer.parseInt(args[2]) : 50;
        System.out.printf("sqsd mode throughput: %,d messages per run, %d rounds, concurrency %d, %d cores, Java %s%n",
                messages, rounds, concurrency, Runtime.getRuntime().availableProcessors(), Runtime.version());

        HttpServer app = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        app.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        app.createContext("/", exchange -> {
            try (exchange; InputStream in = exchange.getRequestBody()) {
                in.readAllBytes();
                exchange.sendResponseHeaders(200, -1);
            }
        });
        app.start();
        URI url = URI.create("http://127.0.0.1:" + app.getAddress().getPort() + "/");
        SqsdConfig raw = SqsdConfig.defaults(url).withMaxConnections(concurrency);
        Map<String, List<Double>> rates = new LinkedHashMap<>();
        try (EmbeddedSqs server = EmbeddedSqs.start(); SqsClient sqs = server.newClient();
                SqsdForwarder rawForwarder = new SqsdForwarder(raw);
                SqsdForwarder decodedForwarder = new SqsdForwarder(raw.withBodyMode(BodyMode.DECODED))) {
            // one unrecorded round first: JIT, connection pools and ElasticMQ warm up
            drain(sqs, fill(sqs, "warm-noop", messages), messages, concurrency, m -> {});
            drain(sqs, fill(sqs, "warm-raw", messages), messages, concurrency, rawForwarder);
            drain(sqs, fill(sqs, "warm-decoded", messages), messages, concurrency, decodedForwarder);
            for (int round = 1; round <= rounds; round++) {
                record(rates, "in-process no-op handler (baseline)", drain(sqs, fill(sqs, "noop-" + round, messages), messages, concurrency, m -> {}));
                record(rates, "sqsd forwarder, raw body", drain(sqs, fill(sqs, "raw-" + round, messages), messages, concurrency, rawForwarder));
                record(rates, "sqsd forwarder, decoded body", drain(sqs, fill(sqs, "decoded-" + round, messages), messages, concurrency, decodedForwarder));
                System.out.printf("round %d done%n", round);
            }
        } finally {
            app.stop(0);
        }
        double baseline = median(rates.get("in-process no-op handler (baseline)"));
        System.out.println();
        System.out.println("| variant | median msg/s | runs | vs in-process handler |");
        System.out.println("|---|---:|---|---:|");
        rates.forEach((name, values) -> System.out.printf("| %s | %,.0f | %s | %.2f× |%n", name, median(values),
                String.join(" / ", values.stream().map(v -> String.format("%,.0f", v)).toList()), median(values) / baseline));
    }

    private static String fill(SqsClient sqs, String name, int messages) {
        String queue = sqs.createQueue(b -> b.queueName(name)).queueUrl();
        for (int from = 0; from < messages; from += 10) {
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
            for (int i = from; i < Math.min(from + 10, messages); i++) {
                entries.add(SendMessageBatchRequestEntry.builder().id("m" + i).messageBody(String.format(EVENT, i, i)).build());
            }
            sqs.sendMessageBatch(b -> b.queueUrl(queue).entries(entries));
        }
        return queue;
    }

    private static double drain(SqsClient sqs, String queue, int messages, int concurrency, MessageHandler handler) throws InterruptedException {
        CountDownLatch deleted = new CountDownLatch(messages);
        AtomicLong failures = new AtomicLong();
        WorkerListener listener = new WorkerListener() {
            @Override
            public void onDeleted(String queueUrl, int count) {
                for (int i = 0; i < count; i++) {
                    deleted.countDown();
                }
            }

            @Override
            public void onFailure(io.pipekit.worker.QueueMessage message, Throwable cause, Duration retryDelay) {
                failures.incrementAndGet();
            }
        };
        WorkerOptions options = WorkerOptions.builder(queue).maxConcurrency(concurrency).waitTime(Duration.ofSeconds(1)).build();
        long start = System.nanoTime();
        try (Worker worker = Worker.start(sqs, options, handler, listener)) {
            if (!deleted.await(10, TimeUnit.MINUTES)) {
                throw new IllegalStateException("queue " + queue + " not drained");
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (failures.get() > 0) {
            System.out.printf("  (%d failures on %s)%n", failures.get(), queue);
        }
        return messages / seconds;
    }

    private static void record(Map<String, List<Double>> rates, String name, double rate) {
        rates.computeIfAbsent(name, k -> new ArrayList<>()).add(rate);
        System.out.printf("  %-40s %,10.0f msg/s%n", name, rate);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
