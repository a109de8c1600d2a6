package io.pipekit.bench;

import io.pipekit.local.EmbeddedSqs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * Memory harness (a benchmark, not a test): resident set size of the worker's real main in a child
 * JVM holding N messages in flight (a handler that never returns), beside a bare SDK process holding
 * the same N messages, measured in the same run with the same JVM flags; rounds alternate. Prints
 * medians and the ratio.
 *
 * <pre>java -cp … io.pipekit.bench.WorkerMemory [inFlight=100] [rounds=3]</pre>
 */
public final class WorkerMemory {

    private static final List<String> JVM_FLAGS = List.of("-Xmx256m", "-XX:+UseSerialGC");

    public static void main(String[] args) throws Exception {
        int inFlight = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        System.out.printf("worker RSS with %d messages in flight, %d rounds, JVM flags %s%n", inFlight, rounds, JVM_FLAGS);
        List<Long> worker = new ArrayList<>();
        List<Long> raw = new ArrayList<>();
        try (EmbeddedSqs server = EmbeddedSqs.start(); SqsClient sqs = server.newClient()) {
            for (int round = 1; round <= rounds; round++) {
                String rawQueue = filled(sqs, "mem-raw-" + round, inFlight);
                raw.add(measure(List.of(RawHolder.class.getName(), server.endpoint().toString(), rawQueue, Integer.toString(inFlight)),
                        Map.of(), sqs, rawQueue, inFlight));
                String workerQueue = filled(sqs, "mem-worker-" + round, inFlight);
                worker.add(measure(List.of("io.pipekit.worker.main.WorkerMain"), Map.of(
                        "COPILOT_QUEUE_URI", workerQueue, "AWS_ENDPOINT_URL_SQS", server.endpoint().toString(),
                        "AWS_REGION", "us-east-1", "AWS_ACCESS_KEY_ID", "local", "AWS_SECRET_ACCESS_KEY", "local",
                        "PIPEKIT_HANDLER", HoldingHandler.class.getName(), "PIPEKIT_MAX_CONCURRENCY", Integer.toString(inFlight),
                        "PIPEKIT_HEALTH_PORT", "0", "PIPEKIT_LOG_FORMAT", "text"),
                        sqs, workerQueue, inFlight));
                System.out.printf("  round %d: raw %.1f MiB, worker %.1f MiB%n", round, mib(raw.getLast()), mib(worker.getLast()));
            }
        }
        double rawMedian = median(raw);
        double workerMedian = median(worker);
        System.out.println();
        System.out.println("| process holding " + inFlight + " messages | median RSS | vs bare SDK process |");
        System.out.println("|---|---:|---:|");
        System.out.printf("| bare SDK receive loop | %.1f MiB | 1.00× |%n", mib(rawMedian));
        System.out.printf("| pipekit worker main (heartbeat, health endpoint, EMF metrics) | %.1f MiB | %.2f× |%n",
                mib(workerMedian), workerMedian / rawMedian);
    }

    /** Starts the child, waits until it holds every message, reads VmRSS, stops it. */
    private static long measure(List<String> mainAndArgs, Map<String, String> env, SqsClient sqs, String queue, int inFlight)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(JVM_FLAGS);
        command.addAll(List.of("-cp", System.getProperty("java.class.path")));
        command.addAll(mainAndArgs);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().putAll(env);
        Process process = builder.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (notVisible(sqs, queue) < inFlight) {
                if (System.nanoTime() > deadline || !process.isAlive()) {
                    throw new IllegalStateException("child never held " + inFlight + " messages: " + command);
                }
                Thread.sleep(200); // polling the queue for a child process's progress
            }
            Thread.sleep(2_000); // let the heap settle before reading RSS
            return rssBytes(process.pid());
        } finally {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static long rssBytes(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS for " + pid);
    }

    private static String filled(SqsClient sqs, String name, int count) {
        String queue = sqs.createQueue(b -> b.queueName(name)).queueUrl();
        for (int from = 0; from < count; from += 10) {
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
            for (int i = from; i < Math.min(from + 10, count); i++) {
                entries.add(SendMessageBatchRequestEntry.builder().id("e" + i).messageBody("{\"n\":" + i + "}").build());
            }
            sqs.sendMessageBatch(b -> b.queueUrl(queue).entries(entries));
        }
        return queue;
    }

    private static int notVisible(SqsClient sqs, String queue) {
        return Integer.parseInt(sqs.getQueueAttributes(b -> b.queueUrl(queue)
                .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes()
                .get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
    }

    private static double median(List<Long> values) {
        List<Long> sorted = values.stream().sorted(Comparator.naturalOrder()).toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
    }

    private static double mib(double bytes) {
        return bytes / (1024 * 1024);
    }
}
