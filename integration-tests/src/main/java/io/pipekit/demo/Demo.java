package io.pipekit.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pipekit.local.EmbeddedSqs;
import io.pipekit.worker.QueueMessage;
import io.pipekit.worker.ShutdownReport;
import io.pipekit.worker.Worker;
import io.pipekit.worker.WorkerListener;
import io.pipekit.worker.WorkerOptions;
import io.pipekit.worker.protection.ProtectionOptions;
import io.pipekit.worker.protection.TaskProtection;
import io.pipekit.worker.protection.fake.FakeEcsAgent;
import io.pipekit.worker.retry.BackoffPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * README command one: the worker against an embedded SQS (ElasticMQ), fed by a sample producer,
 * with a live view and a final loss/duplicate/latency report. Exits 1 if any event was lost.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Runs the pipekit worker against an embedded SQS fed by a sample producer, and reports what happened.")
public final class Demo implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--events", description = "Events to produce (default ${DEFAULT-VALUE}).", defaultValue = "3000")
    int events;

    @Option(names = "--rate", description = "Events per second the producer sends (default ${DEFAULT-VALUE}).", defaultValue = "500")
    int rate;

    @Option(names = "--concurrency", description = "Worker handlers in flight at most (default ${DEFAULT-VALUE}).", defaultValue = "64")
    int concurrency;

    @Option(names = "--failure-rate", description = "Share of first attempts the sample handler fails, to show retries (default ${DEFAULT-VALUE}).", defaultValue = "0.02")
    double failureRate;

    @Option(names = "--poison", description = "Poison events the handler always rejects; they end in the DLQ (default ${DEFAULT-VALUE}).", defaultValue = "3")
    int poison;

    @Option(names = "--timeout", description = "Give up waiting after this long (default ${DEFAULT-VALUE}).", defaultValue = "PT60S",
            converter = DurationConverter.class)
    Duration timeout;

    private final Map<String, AtomicInteger> processed = new ConcurrentHashMap<>();
    private final List<Long> latenciesMillis = java.util.Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong produced = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong deleted = new AtomicLong();

    public static void main(String[] args) {
        System.exit(new CommandLine(new Demo()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        long started = System.nanoTime();
        say("starting embedded SQS (ElasticMQ) …");
        try (EmbeddedSqs server = EmbeddedSqs.start(); SqsClient sqs = server.newClient();
             FakeEcsAgent agent = FakeEcsAgent.start()) { // a local ECS agent: protection state is visible here
            say("SQS ready at %s in %d ms", server.endpoint(), (System.nanoTime() - started) / 1_000_000);
            String dlq = sqs.createQueue(b -> b.queueName("demo-worker-dlq")).queueUrl();
            String queue = sqs.createQueue(b -> b.queueName("demo-worker").attributes(Map.of(QueueAttributeName.REDRIVE_POLICY,
                    "{\"deadLetterTargetArn\":\"" + EmbeddedSqs.queueArn("demo-worker-dlq") + "\",\"maxReceiveCount\":\"3\"}"))).queueUrl();

            WorkerOptions options = WorkerOptions.builder(queue).maxConcurrency(concurrency).waitTime(Duration.ofSeconds(2))
                    .backoff(BackoffPolicy.exponential(Duration.ofMillis(200), 2, Duration.ofSeconds(2))).build();
            WorkerListener counters = new WorkerListener() {
                @Override public void onFailure(QueueMessage message, Throwable cause, Duration delay) { retries.incrementAndGet(); }
                @Override public void onDeleted(String queueUrl, int count) { deleted.addAndGet(count); }
            };
            TaskProtection protection = TaskProtection.start(
                    ProtectionOptions.defaults(Optional.of(agent.agentUri())).withHoldDown(Duration.ofSeconds(3)));
            Worker worker = Worker.start(sqs, options, this::handle, counters, protection);
            Thread producer = Thread.ofPlatform().name("demo-producer").start(() -> produce(sqs, queue));

            long deadline = System.nanoTime() + timeout.toNanos();
            int expected = events - poison;
            while (System.nanoTime() < deadline && !(processed.size() >= expected && depth(sqs, dlq) >= poison && worker.inFlight() == 0)) {
                Thread.sleep(1000); // the live view's refresh period, not a wait for a result
                say("produced %,6d | processed %,6d | deleted %,6d | in flight %3d | retries %,4d | DLQ %d | task %s",
                        produced.get(), processed.size(), deleted.get(), worker.inFlight(), retries.get(), depth(sqs, dlq),
                        protection.status().state());
            }
            producer.join();
            ShutdownReport stop = worker.shutdown(Duration.ofSeconds(10));
            protection.close();
            say("task protection: %d calls to the (fake) ECS agent for %,d messages; %s at exit",
                    agent.puts(), processed.size(), agent.protectedNow() ? "still protected" : "released");
            return report(expected, depth(sqs, dlq), stop, started);
        }
    }

    private void handle(QueueMessage message) throws Exception {
        JsonNode event = JSON.readTree(message.body());
        if (event.path("poison").asBoolean()) {
            throw new IllegalArgumentException("event " + event.path("id").asText() + " is malformed (demo poison)");
        }
        if (message.receiveCount() == 1 && ThreadLocalRandom.current().nextDouble() < failureRate) {
            throw new IllegalStateException("transient downstream error (demo)");
        }
        Thread.sleep(ThreadLocalRandom.current().nextInt(2, 15)); // the "work"
        String id = event.path("id").asText();
        if (processed.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet() == 1) {
            latenciesMillis.add(Duration.between(Instant.parse(event.path("producedAt").asText()), Instant.now()).toMillis());
        }
    }

    /** Sends {@code events} order events at {@code rate}/s in batches of 10; the last few are poison. */
    private void produce(SqsClient sqs, String queue) {
        long start = System.nanoTime();
        for (int from = 0; from < events; from += 10) {
            List<SendMessageBatchRequestEntry> batch = new ArrayList<>();
            for (int i = from; i < Math.min(from + 10, events); i++) {
                boolean isPoison = i >= events - poison;
                String body = "{\"id\":\"evt-" + i + "\",\"type\":\"order.placed\",\"orderId\":\"o-" + (i % 500)
                        + "\",\"producedAt\":\"" + Instant.now() + "\"" + (isPoison ? ",\"poison\":true" : "") + "}";
                batch.add(SendMessageBatchRequestEntry.builder().id("e" + i).messageBody(body).build());
            }
            var result = sqs.sendMessageBatch(b -> b.queueUrl(queue).entries(batch));
            produced.addAndGet(result.successful().size());
            long due = start + (long) ((from + 10) * 1e9 / rate);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(wait); // hold the producer's rate
            }
        }
    }

    private int report(int expected, int dead, ShutdownReport stop, long started) {
        List<Long> sorted;
        synchronized (latenciesMillis) {
            sorted = latenciesMillis.stream().sorted().toList();
        }
        long duplicates = processed.values().stream().mapToInt(AtomicInteger::get).filter(n -> n > 1).count();
        int lost = Math.max(0, expected - processed.size()) + Math.max(0, poison - dead);
        say("");
        say("report after %.1f s", (System.nanoTime() - started) / 1e9);
        say("  produced            %,d (%d of them poison)", produced.get(), poison);
        say("  processed           %,d of %,d good events", processed.size(), expected);
        say("  in dead-letter queue %d of %d poison events", dead, poison);
        say("  retried attempts    %,d", retries.get());
        say("  duplicates          %d", duplicates);
        if (!sorted.isEmpty()) {
            say("  end-to-end latency  p50 %d ms, p99 %d ms", sorted.get(sorted.size() / 2), sorted.get((int) Math.min(sorted.size() - 1, Math.round(sorted.size() * 0.99))));
        }
        say("  shutdown            %d ms, %d released", stop.took().toMillis(), stop.released());
        say(lost == 0 ? "RESULT: OK — nothing lost" : "RESULT: FAILED — " + lost + " event(s) lost");
        return lost == 0 ? 0 : 1;
    }

    private static int depth(SqsClient sqs, String queue) {
        return Integer.parseInt(sqs.getQueueAttributes(b -> b.queueUrl(queue).attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                .attributes().get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES));
    }

    private static void say(String format, Object... args) {
        System.out.println(String.format(format, args));
    }

    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return value.startsWith("P") || value.startsWith("p") ? Duration.parse(value.toUpperCase())
                    : io.pipekit.worker.config.DurationValue.parse("--timeout", value);
        }
    }
}
