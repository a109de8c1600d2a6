package io.pipekit.worker.main;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pipekit.worker.protection.fake.FakeEcsAgent;
import io.pipekit.worker.testing.ElasticMq;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The container's stop path: SIGTERM mid-batch drains or releases every message, releases task
 * protection, and exits 0 — asserted on the queue's contents and the fake agent's calls.
 */
class WorkerMainShutdownTest {

    @RegisterExtension
    static final ElasticMq sqs = new ElasticMq();

    private final FakeEcsAgent agent = FakeEcsAgent.start();

    @BeforeEach
    void localCredentials() {
        System.setProperty("aws.region", "us-east-1");
        System.setProperty("aws.accessKeyId", "local");
        System.setProperty("aws.secretAccessKey", "local");
        System.setProperty("aws.endpointUrlSqs", sqs.server().endpoint().toString());
        RecordingHandler.DONE.clear();
        RecordingHandler.STARTED.set(0);
    }

    @AfterEach
    void cleanUp() {
        System.clearProperty("aws.endpointUrlSqs");
        System.clearProperty("pipekit.test.sleep");
        agent.close();
    }

    /**
     * @param visibility short where a receive may be out when the signal comes: ElasticMQ completes
     *                   an aborted receive on the server, and what it captured comes back only after
     *                   the visibility timeout (docs/worker-engine.md) — delayed, never lost
     */
    private Map<String, String> env(String queue, String budget, String visibility) {
        Map<String, String> env = new HashMap<>();
        env.put("PIPEKIT_QUEUE_URLS", queue);
        env.put("PIPEKIT_HANDLER", RecordingHandler.class.getName());
        env.put("PIPEKIT_WAIT_TIME", "1s");
        env.put("PIPEKIT_MAX_CONCURRENCY", "4");
        env.put("PIPEKIT_VISIBILITY_TIMEOUT", visibility);
        env.put("PIPEKIT_SHUTDOWN_BUDGET", budget);
        env.put("PIPEKIT_HEALTH_PORT", "0");
        env.put("PIPEKIT_METRICS_INTERVAL", "off");
        env.put("ECS_AGENT_URI", agent.agentUri().toString());
        return env;
    }

    private static List<String> bodies(int n) {
        return IntStream.range(0, n).mapToObj(i -> "job-" + i).toList();
    }

    /** Everything the queue still holds, read once all of it is visible again. */
    private Set<String> remaining(String queue) {
        return sqs.drain(queue).stream().map(Message::body).collect(Collectors.toSet());
    }

    @Test
    void sigtermMidBatchFinishesInFlightWorkWithinTheBudgetAndLeavesTheRestQueued() {
        String queue = sqs.queue("main-drain");
        sqs.send(queue, bodies(12));
        System.setProperty("pipekit.test.sleep", "700");
        StopSignals signals = StopSignals.manual();
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> WorkerMain.run(env(queue, "20s", "5s"), () -> signals));
        await().atMost(Duration.ofSeconds(20)).until(() -> RecordingHandler.STARTED.get() >= 5); // mid-batch

        signals.signal("SIGTERM");

        assertThat(exit).succeedsWithin(Duration.ofSeconds(30)).isEqualTo(0);
        Set<String> done = Set.copyOf(RecordingHandler.DONE);
        assertThat(done).hasSize(RecordingHandler.STARTED.get()); // every started handler finished
        await().atMost(Duration.ofSeconds(20)).until(() -> sqs.notVisible(queue) == 0 && sqs.visible(queue) == 12 - done.size());
        Set<String> left = remaining(queue);
        assertThat(left).doesNotContainAnyElementsOf(done); // processed ⇒ deleted (deletes flushed)
        Set<String> all = new HashSet<>(left);
        all.addAll(done);
        assertThat(all).containsExactlyInAnyOrderElementsOf(bodies(12)); // nothing lost
        assertThat(agent.puts(true)).isEqualTo(1);
        assertThat(agent.puts(false)).isEqualTo(1); // protection released on the way out
        assertThat(agent.protectedNow()).isFalse();
    }

    @Test
    void aSecondSignalCutsTheDrainShortAndReleasesWhatIsStillRunning() {
        String queue = sqs.queue("main-second");
        sqs.send(queue, bodies(4));
        System.setProperty("pipekit.test.sleep", "600000"); // handlers that would outlive any budget
        StopSignals signals = StopSignals.manual();
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> WorkerMain.run(env(queue, "10m", "5m"), () -> signals));
        await().atMost(Duration.ofSeconds(20)).until(() -> RecordingHandler.STARTED.get() == 4);

        signals.signal("SIGTERM");
        await().pollDelay(Duration.ofMillis(300)).until(() -> !exit.isDone()); // draining, within a 10-minute budget
        signals.signal("SIGTERM");

        assertThat(exit).succeedsWithin(Duration.ofSeconds(20)).isEqualTo(0);
        assertThat(RecordingHandler.DONE).isEmpty();
        // released (visibility ≈ 0), not left invisible for the 5-minute visibility timeout
        await().atMost(Duration.ofSeconds(10)).until(() -> sqs.visible(queue) == 4);
        assertThat(remaining(queue)).containsExactlyInAnyOrderElementsOf(bodies(4));
    }

    @Test
    void aRealSigtermToTheWorkerProcessDrainsReleasesAndExitsZero(@TempDir Path dir) throws Exception {
        String queue = sqs.queue("main-process");
        sqs.send(queue, bodies(20));
        Path out = dir.resolve("done.txt");
        Path log = dir.resolve("worker.log");
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        ProcessBuilder builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), WorkerMain.class.getName())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(k -> k.startsWith("PIPEKIT_") || k.startsWith("COPILOT_") || k.startsWith("AWS_"));
        env.putAll(env(queue, "300ms", "5s")); // a budget shorter than the handler: the in-flight ones are released
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_ACCESS_KEY_ID", "local");
        env.put("AWS_SECRET_ACCESS_KEY", "local");
        env.put("AWS_ENDPOINT_URL_SQS", sqs.server().endpoint().toString());
        env.put("TEST_HANDLER_SLEEP", "2000");
        env.put("TEST_HANDLER_OUT", out.toString());
        Process worker = builder.start();
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(out) && Files.readAllLines(out).size() >= 4);
            await().atMost(Duration.ofSeconds(10)).until(() -> sqs.notVisible(queue) > 0); // the next batch is in flight

            worker.destroy(); // SIGTERM

            assertThat(worker.waitFor(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            worker.destroyForcibly();
        }
        assertThat(worker.exitValue()).as(Files.readString(log)).isZero();
        Set<String> done = new HashSet<>(Files.readAllLines(out));
        await().atMost(Duration.ofSeconds(20)).until(() -> sqs.notVisible(queue) == 0 && sqs.visible(queue) == 20 - done.size());
        Set<String> left = remaining(queue);
        assertThat(left).doesNotContainAnyElementsOf(done);
        Set<String> all = new HashSet<>(left);
        all.addAll(done);
        assertThat(all).containsExactlyInAnyOrderElementsOf(bodies(20));
        assertThat(Files.readString(log)).contains("SIGTERM received").contains("released");
        assertThat(agent.puts(false)).isGreaterThanOrEqualTo(1);
        assertThat(agent.protectedNow()).isFalse();
    }
}
