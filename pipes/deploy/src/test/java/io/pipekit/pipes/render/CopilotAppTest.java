package io.pipekit.pipes.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.pipekit.pipes.spec.SpecLoader;
import io.pipekit.pipes.spec.SubscriptionSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The hand-written Copilot manifest and the worker Dockerfile agree with the spec and with AWS limits. */
class CopilotAppTest {

    static final Path ROOT = Path.of("..", "..");
    static final YAMLMapper YAML = new YAMLMapper();

    @Test
    void workerManifestMatchesTheSpecAndTheWorkersTiming() throws Exception {
        JsonNode m = YAML.readTree(ROOT.resolve("copilot/ingest-worker/manifest.yml").toFile());
        SubscriptionSpec spec = SpecLoader.load(ROOT.resolve("copilot/subscriptions.yml"));

        assertThat(m.path("type").asText()).isEqualTo("Worker Service");
        assertThat(ROOT.resolve(m.path("image").path("build").path("dockerfile").asText())).exists();
        assertThat(m.path("image").path("healthcheck").path("command").toString()).contains("/health", "PIPEKIT_HEALTH_PORT:-8081");
        // the queue the spec targets is the one this manifest configures
        JsonNode queue = m.path("subscribe").path("queue");
        Duration timeout = duration(queue.path("timeout").asText());
        assertThat(timeout).isEqualTo(spec.queue().visibilityTimeout());
        assertThat(queue.path("dead_letter").path("tries").asInt()).isEqualTo(spec.queue().deadLetterTries()).isPositive();
        // timeout above the heartbeat interval: the worker extends before a message can reappear
        JsonNode vars = m.path("variables");
        Duration lease = duration(vars.path("PIPEKIT_VISIBILITY_TIMEOUT").asText());
        double fraction = vars.path("PIPEKIT_HEARTBEAT_FRACTION").asDouble();
        Duration heartbeat = Duration.ofMillis((long) (lease.toMillis() * fraction));
        assertThat(timeout).isGreaterThan(heartbeat);
        // Spot mix and queue-delay autoscaling (docs/aws-behaviour.md §6.2)
        assertThat(m.path("count").path("range").path("spot_from").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(m.path("count").path("queue_delay").path("acceptable_latency").asText()).isNotEmpty();
        assertThat(m.path("platform").asText()).isEqualTo("linux/x86_64");
        // 120 s stop window for Spot, and the worker's drain fits inside it (docs/aws-behaviour.md §5.3)
        assertThat(m.path("taskdef_overrides")).anySatisfy(o -> {
            assertThat(o.path("path").asText()).isEqualTo("ContainerDefinitions[0].StopTimeout");
            assertThat(o.path("value").asInt()).isEqualTo(120);
        });
        assertThat(duration(vars.path("PIPEKIT_SHUTDOWN_BUDGET").asText())).isLessThan(Duration.ofSeconds(120));
        assertThat(ROOT.resolve("copilot/.workspace")).content().contains("application:");
        assertThat(ROOT.resolve("copilot/environments/test/manifest.yml")).content().contains("type: Environment");
    }

    @Test
    void dockerfileIsMultiStageNonRootJre21WithAHealthCheck() throws Exception {
        List<String> lines = Files.readAllLines(ROOT.resolve("worker/app/Dockerfile"));

        assertThat(lines).filteredOn(l -> l.startsWith("FROM ")).extracting(l -> l.split(" ")[1])
                .containsExactly("eclipse-temurin:21-jdk", "eclipse-temurin:21-jre-alpine");
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("./mvnw").contains("-pl worker/app -am package"));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("pipekit-worker-app-*-all.jar"));
        assertThat(lines).filteredOn(l -> l.startsWith("USER ")).singleElement().satisfies(l -> assertThat(l).doesNotContain("root").contains("10001"));
        assertThat(String.join("\n", lines)).contains("HEALTHCHECK", "wget -q", "http://127.0.0.1:${PIPEKIT_HEALTH_PORT:-8081}/health",
                "io.pipekit.worker.main.WorkerMain");
    }

    private static Duration duration(String text) {
        return io.pipekit.pipes.spec.DurationText.parse(text);
    }
}
