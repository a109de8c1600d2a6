package io.pipekit.worker.sqsd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pipekit.worker.MessageHandler;
import io.pipekit.worker.WorkerOptions;
import io.pipekit.worker.config.ConfigException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The sidecar does not start consuming until the app's health URL answers 200. */
class HealthWaitTest {

    @Test
    void waitsUntilTheAppAnswers200() throws Exception {
        try (RecordingApp app = new RecordingApp()) {
            app.respond(r -> RecordingApp.Response.status(r.number() < 3 ? 503 : 200));
            int probes = new HealthWait(app.url().resolve("/health"), Duration.ofSeconds(30), Duration.ofMillis(50)).await();
            assertThat(probes).isEqualTo(3);
            assertThat(app.requests()).extracting(RecordingApp.Request::method).containsOnly("GET");
            assertThat(app.requests()).extracting(RecordingApp.Request::path).containsOnly("/health");
        }
    }

    @Test
    void givesUpWithAConfigErrorAfterTheTimeout() throws Exception {
        try (RecordingApp app = new RecordingApp()) {
            app.respond(r -> RecordingApp.Response.status(204)); // not 200: simple-sqsd would accept it, EB-style health does not
            assertThatThrownBy(() -> new HealthWait(app.url(), Duration.ofMillis(300), Duration.ofMillis(50)).await())
                    .isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith("PIPEKIT_SQSD_HEALTH_URL: the app did not answer 200")
                    .hasMessageContaining("last: HTTP 204");
        }
    }

    @Test
    void theSidecarReturnsItsHandlerOnlyOnceTheAppIsHealthy() throws Exception {
        try (RecordingApp app = new RecordingApp()) {
            AtomicBoolean healthy = new AtomicBoolean(false);
            app.respond(r -> RecordingApp.Response.status(healthy.get() ? 200 : 503));
            Map<String, String> env = Map.of("PIPEKIT_MODE", "sqsd", "PIPEKIT_SQSD_URL", app.url().toString(),
                    "PIPEKIT_SQSD_HEALTH_URL", "/health");
            WorkerOptions options = WorkerOptions.builder("http://localhost:9324/000000000000/jobs").build();

            CompletableFuture<MessageHandler> started = CompletableFuture.supplyAsync(() -> SqsdSidecar.start(env, options));
            await().atMost(Duration.ofSeconds(10)).until(() -> app.requests().size() >= 2);
            assertThat(started).isNotDone();

            healthy.set(true);
            MessageHandler handler = started.get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(handler).isInstanceOf(SqsdForwarder.class);
            assertThat(((SqsdForwarder) handler).config().url()).isEqualTo(app.url());
        }
    }
}
