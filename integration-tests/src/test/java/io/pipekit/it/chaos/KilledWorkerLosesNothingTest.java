package io.pipekit.it.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pipekit.it.support.RecordingHandler;
import io.pipekit.it.support.WorkerProcess;
import io.pipekit.local.EmbeddedSqs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * Fault injection: the worker process is SIGKILLed again and again while it drains a queue. Every
 * message must be processed at least once, and the duplicates must stay within what a killed
 * worker can have held (in flight plus deletes not yet flushed).
 *
 * <p>Default: 6,000 messages, 4 kills once some progress was made. {@code -Dpipekit.chaos=full}:
 * 100,000 messages, a SIGKILL every 5 s until the queue is drained.
 */
class KilledWorkerLosesNothingTest {

    private static final boolean FULL = "full".equals(System.getProperty("pipekit.chaos"));
    private static final int MESSAGES = FULL ? 100_000 : 6_000;
    private static final int KILLS = FULL ? Integer.MAX_VALUE : 4;
    private static final int MAX_CONCURRENCY = 20;

    private static EmbeddedSqs server;
    private static SqsClient sqs;

    @BeforeAll
    static void startSqs() {
        server = EmbeddedSqs.start();
        sqs = server.newClient();
    }

    @AfterAll
    static void stopSqs() {
        sqs.close();
        server.close();
    }

    @Test
    void everyMessageIsProcessedAtLeastOnceAcrossRepeatedSigkills(@TempDir Path dir) throws Exception {
        String queue = sqs.createQueue(b -> b.queueName("chaos-kill")).queueUrl();
        fill(queue, MESSAGES);
        Path record = dir.resolve("processed.txt");
        Map<String, String> env = new HashMap<>(Map.of(
                "COPILOT_QUEUE_URI", queue,
                "AWS_ENDPOINT_URL_SQS", server.endpoint().toString(),
                "AWS_REGION", "us-east-1",
                "AWS_ACCESS_KEY_ID", "local",
                "AWS_SECRET_ACCESS_KEY", "local",
                "PIPEKIT_HANDLER", RecordingHandler.class.getName(),
                "PIPEKIT_RECORD_FILE", record.toString(),
                "PIPEKIT_MAX_CONCURRENCY", Integer.toString(MAX_CONCURRENCY),
                // a killed worker's in-flight messages come back after this
                "PIPEKIT_VISIBILITY_TIMEOUT", "3s",
                "PIPEKIT_WAIT_TIME", "1s"));
        env.put("PIPEKIT_LOG_FORMAT", "text");

        Random random = new Random(42);
        int kills = 0;
        while (kills < KILLS) {
            try (WorkerProcess worker = WorkerProcess.start(env, dir.resolve("worker.log"))) {
                long processedBefore = lines(record);
                if (FULL) {
                    // every 5 s, whatever it is doing
                    await().pollDelay(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(6)).until(() -> true);
                } else {
                    // kill once it has made some progress, at a random moment
                    await().atMost(Duration.ofSeconds(60)).until(() -> lines(record) > processedBefore + 200 + random.nextInt(400)
                            || held(queue) == 0);
                }
                if (held(queue) == 0) {
                    break;
                }
                worker.kill();
                kills++;
            }
        }
        try (WorkerProcess last = WorkerProcess.start(env, dir.resolve("worker.log"))) {
            await().atMost(Duration.ofMinutes(3)).until(() -> held(queue) == 0);
            last.terminate(Duration.ofSeconds(30));
        }

        List<String> bodies = Files.readAllLines(record).stream().map(line -> line.substring(line.indexOf(' ') + 1)).toList();
        Set<String> distinct = Set.copyOf(bodies);
        assertThat(distinct).as("every message processed at least once").hasSize(MESSAGES);
        long duplicates = bodies.size() - distinct.size();
        System.out.printf("fault: %,d messages, %d SIGKILLs: %d lost, %,d duplicates%n", MESSAGES, kills,
                MESSAGES - distinct.size(), duplicates);
        // processed-but-undeleted messages hold delete capacity (maxConcurrency) until their delete
        // is acknowledged, so that bounds what one kill can make SQS deliver again
        assertThat(duplicates).isLessThanOrEqualTo((long) kills * MAX_CONCURRENCY);
        assertThat(kills).isPositive();
    }

    private static long lines(Path file) throws Exception {
        if (!Files.exists(file)) {
            return 0;
        }
        try (var stream = Files.lines(file)) {
            return stream.count();
        }
    }

    private static int held(String queue) {
        Map<QueueAttributeName, String> a = sqs.getQueueAttributes(b -> b.queueUrl(queue).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
        return a.values().stream().mapToInt(Integer::parseInt).sum();
    }

    private static void fill(String queue, int count) throws Exception {
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            List<Future<?>> jobs = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                jobs.add(pool.submit(() -> {
                    for (int from = thread * 10; from < count; from += 40) {
                        List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
                        for (int i = from; i < Math.min(from + 10, count); i++) {
                            entries.add(SendMessageBatchRequestEntry.builder().id("e" + i).messageBody("msg-" + i).build());
                        }
                        sqs.sendMessageBatch(b -> b.queueUrl(queue).entries(entries));
                    }
                }));
            }
            for (Future<?> job : jobs) {
                job.get();
            }
        }
    }
}
