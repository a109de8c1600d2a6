package io.pipekit.demo;

import io.pipekit.demo.Deliveries.Path;
import io.pipekit.local.KinesisBackend;
import io.pipekit.producers.DeliveryAudit;
import io.pipekit.producers.ProgressListener;
import io.pipekit.producers.Producer;
import io.pipekit.producers.RunSummary;
import io.pipekit.producers.Scenario;
import io.pipekit.producers.Target;
import io.pipekit.producers.Targets;
import io.pipekit.producers.TrafficPlan;
import io.pipekit.producers.cli.DurationConverter;
import io.pipekit.worker.QueueMessage;
import io.pipekit.worker.ShutdownReport;
import io.pipekit.worker.Worker;
import io.pipekit.worker.WorkerListener;
import io.pipekit.worker.WorkerOptions;
import io.pipekit.worker.protection.ProtectionOptions;
import io.pipekit.worker.protection.TaskProtection;
import io.pipekit.worker.protection.fake.FakeEcsAgent;
import io.pipekit.worker.BackoffPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * README command one: the whole path on the embedded stack. Starts the local AWS stack, applies
 * {@code demo/subscriptions*.yml} (Kinesis and DynamoDB-stream pipes with a filter and a template,
 * an EventBridge rule, a FIFO variant), runs the producers into every source, and the worker with a
 * typed-envelope router under (fake) ECS task protection; shows a live view and ends with a report
 * per path. Exits 1 if anything was lost, leaked through a filter, or arrived out of order.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run the whole path on an embedded AWS stack (no account, no Docker) and report loss, duplicates and latency per path.",
                "Kinesis, DynamoDB streams, EventBridge and SNS feed pipes and rules into SQS, where the pipekit worker processes every event.",
                "Exit 0 when nothing was lost, 1 if anything was lost, leaked through a filter or arrived out of order."})
public final class Demo implements Callable<Integer> {

    @Option(names = "--duration", defaultValue = "15s", converter = DurationConverter.class,
            description = "How long the producers run (default ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--rate", defaultValue = "25", description = "Events per second into each source (default ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--kinesis", defaultValue = "KINESIS_MOCK",
            description = "Kinesis emulator: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}; kinesalite is faster at high rates).")
    KinesisBackend kinesis;

    @Option(names = "--poison", defaultValue = "2", description = "Malformed messages to send; they must end in the DLQ (default ${DEFAULT-VALUE}).")
    int poison;

    @Option(names = "--concurrency", defaultValue = "64", description = "Worker handlers in flight at most (default ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--timeout", defaultValue = "90s", converter = DurationConverter.class,
            description = "Give up waiting for deliveries after this long (default ${DEFAULT-VALUE}).")
    Duration timeout;

    private final AtomicLong retries = new AtomicLong();
    private final Map<Path, Long> sentSoFar = new ConcurrentHashMap<>();


    @Override
    public Integer call() throws Exception {
        long started = System.nanoTime();
        say("starting the embedded stack (ElasticMQ, DynamoDB Local, %s, local Pipes runtime, local EventBridge bus) …",
                kinesis == KinesisBackend.KINESALITE ? "kinesalite" : "kinesis-mock");
        try (DemoStack stack = DemoStack.start(kinesis); FakeEcsAgent agent = FakeEcsAgent.start()) {
            say("stack up in %.1f s; subscriptions applied:", (System.nanoTime() - started) / 1e9);
            stack.applied.forEach(plan -> say("%s", plan.describe().indent(2).stripTrailing()));
            String dlq = stack.deadLetterQueueUrl(stack.queueUrl);

            Map<Path, String> runIds = new EnumMap<>(Path.class);
            for (Path path : Path.values()) {
                runIds.put(path, "demo-" + path.name().toLowerCase().replace('_', '-'));
            }
            runIds.put(Path.KINESIS_FIFO, runIds.get(Path.KINESIS)); // the same records, through the FIFO pipe
            Deliveries deliveries = new Deliveries(runIds, stack.fifoQueueUrl);

            WorkerOptions options = WorkerOptions.builder(stack.queueUrl, stack.fifoQueueUrl).maxConcurrency(concurrency)
                    .waitTime(Duration.ofSeconds(2)).backoff(BackoffPolicy.exponential(Duration.ofMillis(500), 2, Duration.ofSeconds(4)))
                    .build();
            TaskProtection protection = TaskProtection.start(
                    ProtectionOptions.defaults(Optional.of(agent.agentUri())).withHoldDown(Duration.ofSeconds(3)));
            WorkerListener retryCounter = new WorkerListener() {
                @Override
                public void onFailure(QueueMessage message, Throwable cause, Duration delay) {
                    retries.incrementAndGet();
                }
            };
            Worker worker = Worker.start(stack.cloud.sqsClient(), options, deliveries.handler(), retryCounter, protection);

            Map<Path, RunSummary> produced = new ConcurrentHashMap<>();
            List<Thread> producers = startProducers(stack, runIds, produced);
            sendPoison(stack);

            long deadline = System.nanoTime() + duration.plus(timeout).toNanos();
            while (System.nanoTime() < deadline && !finished(producers, produced, deliveries, stack, dlq)) {
                Thread.sleep(1000); // the live view's refresh period, not a wait for a result
                say("t+%3.0fs | produced %,6d | processed %,6d | queued %,5d | in flight %3d | retries %,4d | DLQ %d | task %s",
                        (System.nanoTime() - started) / 1e9, sentSoFar.values().stream().mapToLong(Long::longValue).sum(), deliveries.processed(),
                        stack.depth(stack.queueUrl, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)
                                + stack.depth(stack.fifoQueueUrl, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES),
                        worker.inFlight(), retries.get(), stack.depth(dlq, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES),
                        protection.status().state());
            }
            ShutdownReport stop = worker.shutdown(Duration.ofSeconds(10));
            protection.close();
            return new DemoReport(produced, deliveries, stack.depth(dlq, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES),
                    poison, retries.get(), stop, agent, (System.nanoTime() - started) / 1e9).print();
        }
    }

    /** One producer thread per source, each with its own run id so every path is audited on its own. */
    private List<Thread> startProducers(DemoStack stack, Map<Path, String> runIds, Map<Path, RunSummary> produced) {
        var cloud = stack.cloud;
        Map<Path, Target<?>> targets = new EnumMap<>(Path.class);
        targets.put(Path.KINESIS, Targets.kinesis(cloud.kinesisClient(), DemoStack.STREAM));
        targets.put(Path.FILTERED, Targets.kinesis(cloud.kinesisClient(), DemoStack.STREAM));
        targets.put(Path.DYNAMODB, Targets.dynamoDb(cloud.dynamoDbClient(), DemoStack.TABLE, DemoStack.TABLE_KEY));
        targets.put(Path.EVENTBRIDGE, Targets.eventBridge(cloud.eventBridgeClient(), "default", "pipekit.demo"));
        targets.put(Path.SNS, Targets.snsEnvelopesToSqs(cloud.sqsClient(), stack.queueUrl, "arn:aws:sns:us-east-1:000000000000:demo-sensors"));
        List<Thread> threads = new ArrayList<>();
        long seed = 42;
        for (Map.Entry<Path, Target<?>> entry : targets.entrySet()) {
            Path path = entry.getKey();
            Scenario scenario = switch (path) {
                case FILTERED -> Scenario.CLICKSTREAM;
                case SNS -> Scenario.IOT;
                default -> Scenario.ORDERS;
            };
            TrafficPlan plan = TrafficPlan.of(scenario).forDuration(duration).withRate(rate).withSeed(seed++)
                    .withRunId(runIds.get(path)).withConcurrency(1);
            ProgressListener progress = soFar -> sentSoFar.put(path, soFar.sent());
            threads.add(Thread.ofPlatform().name("producer-" + path)
                    .start(() -> produced.put(path, Producer.of(plan, entry.getValue()).run(progress))));
        }
        return threads;
    }

    private void sendPoison(DemoStack stack) {
        for (int i = 0; i < poison; i++) {
            int n = i;
            stack.cloud.sqsClient().sendMessage(b -> b.queueUrl(stack.queueUrl).messageBody("this is not an event #" + n));
        }
    }

    private boolean finished(List<Thread> producers, Map<Path, RunSummary> produced, Deliveries deliveries, DemoStack stack, String dlq) {
        if (producers.stream().anyMatch(Thread::isAlive)) {
            return false;
        }
        for (Path path : Path.values()) {
            if (path == Path.FILTERED) {
                continue;
            }
            RunSummary summary = produced.get(path == Path.KINESIS_FIFO ? Path.KINESIS : path);
            DeliveryAudit.Report report = deliveries.audit(path).report(summary.sent());
            if (!report.complete()) {
                return false;
            }
        }
        return stack.depth(dlq, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES) >= poison;
    }

    static void say(String format, Object... args) {
        System.out.println(String.format(format, args));
    }
}
