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
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * Fault injection: the container's main gets SIGTERM (an ECS scale-in or deploy) in the middle of a
 * burst. It must drain what it holds, flush every delete before it exits, and hand back the rest:
 * nothing is lost, and no message it completed is delivered again to the worker that takes over.
 */
class SigtermMidBurstTest {

    private static final int MESSAGES = 3_000;

    @Test
    void aTerminatedWorkerLosesNothingAndNoCompletedMessageComesBack(@TempDir Path dir) throws Exception {
        try (EmbeddedSqs server = EmbeddedSqs.start(); SqsClient sqs = server.newClient()) {
            String queue = sqs.createQueue(b -> b.queueName("sigterm-burst")).queueUrl();
            for (int from = 0; from < MESSAGES; from += 10) {
                List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
                for (int i = from; i < from + 10; i++) {
                    entries.add(SendMessageBatchRequestEntry.builder().id("e" + i).messageBody("msg-" + i).build());
                }
                sqs.sendMessageBatch(b -> b.queueUrl(queue).entries(entries));
            }
            Path first = dir.resolve("first.txt");
            Path second = dir.resolve("second.txt");
            Map<String, String> env = new HashMap<>(Map.of(
                    "COPILOT_QUEUE_URI", queue,
                    "AWS_ENDPOINT_URL_SQS", server.endpoint().toString(),
                    "AWS_REGION", "us-east-1",
                    "AWS_ACCESS_KEY_ID", "local",
                    "AWS_SECRET_ACCESS_KEY", "local",
                    "PIPEKIT_HANDLER", RecordingHandler.class.getName(),
                    "PIPEKIT_LOG_FORMAT", "text",
                    "PIPEKIT_WAIT_TIME", "1s",
                    "PIPEKIT_VISIBILITY_TIMEOUT", "30s"));
            env.put("PIPEKIT_HEALTH_PORT", "off");

            env.put("PIPEKIT_RECORD_FILE", first.toString());
            int exit;
            try (WorkerProcess worker = WorkerProcess.start(env, dir.resolve("worker.log"))) {
                await().atMost(Duration.ofSeconds(60)).until(() -> lines(first).size() > MESSAGES / 4);
                exit = worker.terminate(Duration.ofSeconds(40)); // mid-burst
            }
            List<String> completedBeforeExit = lines(first);

            env.put("PIPEKIT_RECORD_FILE", second.toString());
            try (WorkerProcess next = WorkerProcess.start(env, dir.resolve("worker.log"))) {
                await().atMost(Duration.ofMinutes(2)).until(() -> held(sqs, queue) == 0);
                next.terminate(Duration.ofSeconds(30));
            }
            List<String> afterwards = lines(second);

            Set<String> completed = Set.copyOf(completedBeforeExit);
            Set<String> all = new java.util.HashSet<>(completed);
            all.addAll(afterwards);
            List<String> again = afterwards.stream().filter(completed::contains).toList();
            long duplicatesWithin = completedBeforeExit.size() - completed.size();
            System.out.printf("fault: SIGTERM after %,d of %,d messages (exit %d): %d lost, %d completed messages delivered again%n",
                    completed.size(), MESSAGES, exit, MESSAGES - all.size(), again.size() + duplicatesWithin);
            assertThat(exit).as("a clean drain exits 0").isZero();
            assertThat(all).as("every message processed").hasSize(MESSAGES);
            assertThat(again).as("completed before SIGTERM, delivered again after").isEmpty();
            assertThat(duplicatesWithin).isZero();
        }
    }

    /** The bodies recorded ({@code messageId body} per line). */
    private static List<String> lines(Path file) throws Exception {
        if (!Files.exists(file)) {
            return List.of();
        }
        return Files.readAllLines(file).stream().filter(l -> l.indexOf(' ') > 0).map(l -> l.substring(l.indexOf(' ') + 1)).toList();
    }

    private static int held(SqsClient sqs, String queue) {
        return sqs.getQueueAttributes(b -> b.queueUrl(queue).attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes().values().stream().mapToInt(Integer::parseInt).sum();
    }
}
