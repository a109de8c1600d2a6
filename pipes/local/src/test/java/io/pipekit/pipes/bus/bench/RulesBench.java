package io.pipekit.pipes.bus.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pipekit.local.EmbeddedSqs;
import io.pipekit.local.LocalCloud;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import java.util.function.ToLongFunction;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The local bus under load: PutEvents throughput and rule → SQS latency with 1, 100 and 1,000
 * rules on one bus (exactly one of which matches each event), against a bare SDK SendMessage loop to
 * the same ElasticMQ measured in the same run. Flat figures across the rule counts show that one
 * event-ruler machine per bus keeps matching cost independent of the number of rules.
 *
 * <p>Per configuration: {@code events} events from 4 threads in PutEvents calls of 10 entries
 * (SendMessage calls of one message for the baseline) for throughput, until every one is received;
 * then {@code samples} single events, one every 10 ms, each timed from just before the call to its
 * receipt by a consumer already long-polling the target queue.
 *
 * <p>{@code ./bench rules [events] [samples] [rule counts, comma-separated]}; defaults 2000 200 1,100,1000.
 */
public final class RulesBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SENDERS = 4;

    private record Row(String path, int rules, double sendRate, double deliveredRate, double p50, double p99) {}

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int samples = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        int[] ruleCounts = args.length > 2 ? Arrays.stream(args[2].split(",")).mapToInt(Integer::parseInt).toArray() : new int[] {1, 100, 1000};
        List<Row> rows = new ArrayList<>();
        try (LocalCloud cloud = LocalCloud.builder().withEventBridge().start();
                SqsClient sqs = cloud.sqsClient();
                EventBridgeClient eb = cloud.eventBridgeClient()) {
            String baseline = cloud.sqs().createQueue("bench-baseline", Map.of());
            // warm the JIT and the connection pools on both paths before anything is timed
            measureBaseline(sqs, baseline, Math.min(events, 500), 50);
            measureRules(cloud, sqs, eb, "warmup", 1, Math.min(events, 500), 50);
            rows.add(measureBaseline(sqs, baseline, events, samples));
            for (int i = 0; i < ruleCounts.length; i++) {
                // a count may be given twice (e.g. 1,100,1) to see whether the order of the runs matters
                rows.add(measureRules(cloud, sqs, eb, "bench" + i, ruleCounts[i], events, samples));
            }
        }
        Row base = rows.getFirst();
        System.out.println();
        System.out.printf(Locale.ROOT, "events per throughput run: %d; latency samples: %d; machine: %d cpus, load average %s%n", events, samples,
                Runtime.getRuntime().availableProcessors(), loadAverage());
        System.out.println();
        System.out.println("| path | rules on the bus | sent events/s | delivered events/s | latency p50 | p99 | p50 vs bare SendMessage |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|");
        for (Row row : rows) {
            System.out.printf(Locale.ROOT, "| %s | %s | %,.0f | %,.0f | %.1f ms | %.1f ms | %.2f× |%n", row.path(),
                    row.rules() == 0 ? "–" : String.format(Locale.ROOT, "%,d", row.rules()), row.sendRate(), row.deliveredRate(),
                    row.p50(), row.p99(), row.p50() / base.p50());
        }
    }

    private static Row measureBaseline(SqsClient sqs, String queue, int events, int samples) throws Exception {
        ToLongFunction<Message> sentAt = m -> Long.parseLong(m.body());
        double[] rates = throughput(sqs, queue, events, 1, sentAt, i -> sqs.sendMessage(b -> b.queueUrl(queue).messageBody(Long.toString(System.nanoTime()))));
        double[] latency = latency(sqs, queue, samples, sentAt, () -> sqs.sendMessage(b -> b.queueUrl(queue).messageBody(Long.toString(System.nanoTime()))));
        return new Row("bare SDK SendMessage → SQS", 0, rates[0], rates[1], latency[0], latency[1]);
    }

    private static Row measureRules(LocalCloud cloud, SqsClient sqs, EventBridgeClient eb, String prefix, int rules, int events, int samples)
            throws Exception {
        String bus = prefix + "-" + rules;
        eb.createEventBus(b -> b.name(bus));
        String queueName = prefix + "-rules-" + rules;
        String queue = cloud.sqs().createQueue(queueName, Map.of());
        for (int i = 0; i < rules; i++) {
            String name = "rule-" + i;
            String pattern = "{\"source\":[\"bench\"],\"detail-type\":[\"type-" + i + "\"],\"detail\":{\"n\":[{\"numeric\":[\">=\",0]}]}}";
            eb.putRule(b -> b.name(name).eventBusName(bus).eventPattern(pattern));
            eb.putTargets(b -> b.rule(name).eventBusName(bus).targets(t -> t.id("q").arn(EmbeddedSqs.queueArn(queueName))));
        }
        // the last rule added matches: a bus that tried rules one by one would pay for all the others first
        String detailType = "type-" + (rules - 1);
        ToLongFunction<Message> sentAt = m -> sentAtOf(m.body());
        double[] rates = throughput(sqs, queue, events, 10, sentAt, i -> {
            List<PutEventsRequestEntry> batch = new ArrayList<>(10);
            long now = System.nanoTime();
            for (int k = 0; k < 10; k++) {
                batch.add(entry(bus, detailType, now));
            }
            check(eb.putEvents(b -> b.entries(batch)));
        });
        double[] latency = latency(sqs, queue, samples, sentAt, () -> check(eb.putEvents(b -> b.entries(entry(bus, detailType, System.nanoTime())))));
        return new Row("PutEvents → rule → SQS", rules, rates[0], rates[1], latency[0], latency[1]);
    }

    private static PutEventsRequestEntry entry(String bus, String detailType, long sentAt) {
        return PutEventsRequestEntry.builder().eventBusName(bus).source("bench").detailType(detailType)
                .detail("{\"n\":1,\"sentAt\":" + sentAt + "}").build();
    }

    private static long sentAtOf(String body) {
        try {
            JsonNode event = JSON.readTree(body);
            return event.path("detail").path("sentAt").asLong();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void check(PutEventsResponse response) {
        if (response.failedEntryCount() > 0) {
            throw new IllegalStateException("PutEvents failed: " + response.entries());
        }
    }

    /**
     * {@code events} messages from {@link #SENDERS} threads, {@code send.accept(i)} sending 1 (the
     * baseline) or 10 (PutEvents) of them per call; returns {sent per second, delivered per second}.
     */
    private static double[] throughput(SqsClient sqs, String queue, int events, int perCall, ToLongFunction<Message> sentAt, IntConsumer sendCall)
            throws Exception {
        int calls = Math.max(1, events / perCall);
        int total = calls * perCall;
        try (Consumer consumer = Consumer.start(sqs, queue, sentAt)) {
            AtomicInteger next = new AtomicInteger();
            long start = System.nanoTime();
            try (ExecutorService pool = Executors.newFixedThreadPool(SENDERS)) {
                for (int t = 0; t < SENDERS; t++) {
                    pool.submit(() -> {
                        for (int i = next.getAndIncrement(); i < calls; i = next.getAndIncrement()) {
                            sendCall.accept(i);
                        }
                        return null;
                    });
                }
            }
            double sendSeconds = (System.nanoTime() - start) / 1e9;
            consumer.awaitCount(total, 120);
            double deliverSeconds = (consumer.lastReceived() - start) / 1e9;
            return new double[] {total / sendSeconds, total / deliverSeconds};
        }
    }

    /** {@code samples} single sends 10 ms apart; returns {p50 ms, p99 ms} of send → receive. */
    private static double[] latency(SqsClient sqs, String queue, int samples, ToLongFunction<Message> sentAt, Runnable send) throws Exception {
        try (Consumer consumer = Consumer.start(sqs, queue, sentAt)) {
            for (int i = 0; i < samples; i++) {
                send.run();
                TimeUnit.MILLISECONDS.sleep(10); // pacing: each sample travels alone
            }
            consumer.awaitCount(samples, 60);
            long[] sorted = consumer.latencies().stream().mapToLong(Long::longValue).sorted().toArray();
            return new double[] {percentile(sorted, 0.50) / 1e6, percentile(sorted, 0.99) / 1e6};
        }
    }

    private static long percentile(long[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    private static String loadAverage() {
        try {
            return String.join(" ", Arrays.copyOf(java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" "), 3));
        } catch (java.io.IOException e) {
            return "n/a";
        }
    }

    /** Long-polls one queue on 2 threads, deleting what it receives and timing each message from its send. */
    private static final class Consumer implements AutoCloseable {
        private final ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        private final AtomicInteger received = new AtomicInteger();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private volatile long lastReceived;
        private final List<Thread> threads = new ArrayList<>();
        private final CountDownLatch stopped = new CountDownLatch(2);

        static Consumer start(SqsClient sqs, String queue, ToLongFunction<Message> sentAt) {
            Consumer consumer = new Consumer();
            for (int i = 0; i < 2; i++) {
                consumer.threads.add(Thread.ofPlatform().daemon().name("bench-consumer").start(() -> consumer.poll(sqs, queue, sentAt)));
            }
            return consumer;
        }

        private void poll(SqsClient sqs, String queue, ToLongFunction<Message> sentAt) {
            try {
                while (running.get()) {
                    List<Message> messages = sqs.receiveMessage(b -> b.queueUrl(queue).maxNumberOfMessages(10).waitTimeSeconds(1)).messages();
                    long now = System.nanoTime();
                    for (Message m : messages) {
                        latencies.add(now - sentAt.applyAsLong(m));
                    }
                    if (!messages.isEmpty()) {
                        lastReceived = now;
                        received.addAndGet(messages.size());
                        sqs.deleteMessageBatch(b -> b.queueUrl(queue).entries(messages.stream()
                                .map(m -> software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry.builder()
                                        .id(m.messageId()).receiptHandle(m.receiptHandle()).build()).toList()));
                    }
                }
            } finally {
                stopped.countDown();
            }
        }

        void awaitCount(int count, int timeoutSeconds) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            while (received.get() < count) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("only " + received.get() + " of " + count + " messages arrived in " + timeoutSeconds + " s");
                }
                TimeUnit.MILLISECONDS.sleep(5);
            }
        }

        long lastReceived() {
            return lastReceived;
        }

        List<Long> latencies() {
            return List.copyOf(latencies);
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            stopped.await(5, TimeUnit.SECONDS);
        }
    }
}
