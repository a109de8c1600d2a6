package io.pipekit.bench;

import io.pipekit.local.EmbeddedSqs;
import io.pipekit.worker.Worker;
import io.pipekit.worker.WorkerListener;
import io.pipekit.worker.WorkerOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * Throughput harness (a benchmark, not a test): drains N messages from an embedded ElasticMQ with
 * the pipekit worker (no-op handler; 1, 2 and 4 pollers per queue), and with raw SDK
 * receive/delete loops as the baseline,
 * alternating the variants round by round in the same JVM and against the same server, then prints
 * the median rate of each and its ratio to the single-thread raw loop.
 *
 * <pre>java -cp … io.pipekit.bench.WorkerThroughput [messages=20000] [rounds=3] [concurrency=200]</pre>
 */
public final class WorkerThroughput {

    private static final String BODY = "{\"type\":\"order.created\",\"orderId\":\"o-000000\",\"total\":42.5,\"pad\":\""
            + "x".repeat(120) + "\"}";

    public static void main(String[] args) throws Exception {
        int messages = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int concurrency = args.length > 2 ? Integer.parseInt(args[2]) : 200;
        System.out.printf("pipekit worker throughput: %,d messages per run, %d rounds, %d cores, Java %s%n",
                messages, rounds, Runtime.getRuntime().availableProcessors(), Runtime.version());

        Map<String, List<Double>> rates = new LinkedHashMap<>();
        try (EmbeddedSqs server = EmbeddedSqs.start(); SqsClient sqs = server.newClient()) {
            for (int round = 1; round <= rounds; round++) {
                record(rates, "raw SDK loop, 1 thread", drainRaw(sqs, fill(sqs, "raw1-" + round, messages), messages, 1));
                record(rates, "raw SDK loop, 8 threads", drainRaw(sqs, fill(sqs, "raw8-" + round, messages), messages, 8));
                record(rates, "pipekit worker, 1 poller", drainWorker(sqs, fill(sqs, "worker1-" + round, messages), messages, concurrency, 1));
                record(rates, "pipekit worker, 2 pollers (default)", drainWorker(sqs, fill(sqs, "worker2-" + round, messages), messages, concurrency, 2));
                record(rates, "pipekit worker, 4 pollers", drainWorker(sqs, fill(sqs, "worker4-" + round, messages), messages, concurrency, 4));
                System.out.printf("round %d done%n", round);
            }
        }
        double baseline = median(rates.get("raw SDK loop, 1 thread"));
        System.out.println();
        System.out.println("| variant | median msg/s | runs | vs raw 1-thread loop |");
        System.out.println("|---|---:|---|---:|");
        rates.forEach((name, values) -> System.out.printf("| %s | %,.0f | %s | %.2f× |%n", name, median(values),
                values.stream().map(v -> String.format("%,.0f", v)).toList(), median(values) / baseline));
    }

    private static void record(Map<String, List<Double>> rates, String name, double rate) {
        rates.computeIfAbsent(name, k -> new ArrayList<>()).add(rate);
        System.out.printf("  %-32s %,10.0f msg/s%n", name, rate);
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

    /** The baseline: receive 10, delete them in one batch, repeat — on {@code threads} threads. */
    private static double drainRaw(SqsClient sqs, String queue, int messages, int threads) throws Exception {
        AtomicLong deleted = new AtomicLong();
        long start = System.nanoTime();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> jobs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                jobs.add(pool.submit(() -> {
                    while (deleted.get() < messages) {
                        List<Message> batch = sqs.receiveMessage(b -> b.queueUrl(queue).maxNumberOfMessages(10).waitTimeSeconds(1)).messages();
                        if (batch.isEmpty()) {
                            continue;
                        }
                        List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>();
                        for (int i = 0; i < batch.size(); i++) {
                            entries.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(i)).receiptHandle(batch.get(i).receiptHandle()).build());
                        }
                        deleted.addAndGet(sqs.deleteMessageBatch(b -> b.queueUrl(queue).entries(entries)).successful().size());
                    }
                }));
            }
            for (Future<?> job : jobs) {
                job.get();
            }
        }
        return messages / seconds(start);
    }

    private static double drainWorker(SqsClient sqs, String queue, int messages, int concurrency, int pollers) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(messages);
        WorkerListener counter = new WorkerListener() {
            @Override
            public void onDeleted(String queueUrl, int count) {
                for (int i = 0; i < count; i++) {
                    done.countDown();
                }
            }
        };
        WorkerOptions options = WorkerOptions.builder(queue).maxConcurrency(concurrency).pollersPerQueue(pollers)
                .waitTime(Duration.ofSeconds(1)).build();
        long start = System.nanoTime();
        try (Worker worker = Worker.start(sqs, options, message -> { }, counter)) {
            done.await();
            return messages / seconds(start);
        }
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted(Comparator.naturalOrder()).toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
