package io.pipekit.worker.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pipekit.worker.Worker;
import io.pipekit.worker.WorkerListener;
import io.pipekit.worker.WorkerOptions;
import io.pipekit.worker.testing.ElasticMq;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

/** {@code /health} turns 503 when a poller stalls silently, and stays 200 when the worker is merely full. */
class HealthEndpointTest {

    @RegisterExtension
    static final ElasticMq sqs = new ElasticMq();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration STALL_AFTER = Duration.ofSeconds(2);
    private final HttpClient http = HttpClient.newHttpClient();

    private record Answer(int status, JsonNode body) {}

    private Answer get(HealthServer server) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), JSON.readTree(response.body()));
    }

    private static PollerLiveness liveness(WorkerOptions options) {
        return new PollerLiveness(options, STALL_AFTER);
    }

    @Test
    void aPollerBlockedOutsideTheReceiveIsReportedStalledAndRecovers() throws Exception {
        String queue = sqs.queue("health-blocked");
        WorkerOptions options = WorkerOptions.builder(queue).waitTime(Duration.ofSeconds(1)).build();
        PollerLiveness liveness = liveness(options);
        AtomicBoolean block = new AtomicBoolean();
        CountDownLatch unblock = new CountDownLatch(1);
        WorkerListener blocker = new WorkerListener() { // e.g. a listener that hangs on a lock
            @Override
            public void onReceive(String queueUrl, int messages) {
                if (block.get()) {
                    try {
                        unblock.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        };
        AtomicInteger handled = new AtomicInteger();
        try (Worker worker = Worker.start(sqs.sqs(), options, m -> handled.incrementAndGet(), List.of(liveness, blocker), Clock.systemUTC());
             HealthServer server = HealthServer.start(0, () -> liveness.report("DISABLED", null))) {
            sqs.send(queue, List.of("a", "b"));
            await().atMost(Duration.ofSeconds(10)).until(() -> handled.get() == 2);
            Answer healthy = get(server);
            assertThat(healthy.status()).isEqualTo(200);
            assertThat(healthy.body().path("queues").get(0).path("processed").asLong()).isEqualTo(2);
            assertThat(healthy.body().path("protection").asText()).isEqualTo("DISABLED");

            block.set(true);

            await().atMost(Duration.ofSeconds(15)).until(() -> get(server).status() == 503);
            Answer stalled = get(server);
            assertThat(stalled.body().path("status").asText()).isEqualTo("stalled");
            assertThat(stalled.body().path("queues").get(0).path("status").asText()).isEqualTo("stalled");
            assertThat(stalled.body().path("queues").get(0).path("receiving").asBoolean()).isFalse();

            unblock.countDown();
            await().atMost(Duration.ofSeconds(10)).until(() -> get(server).status() == 200);
        }
    }

    @Test
    void anSqsEndpointThatAcceptsButNeverAnswersIsReportedStalled() throws Exception {
        List<Socket> held = new ArrayList<>();
        try (ServerSocket blackHole = new ServerSocket(0)) {
            Thread.ofVirtual().start(() -> { // accepts, reads, never answers
                while (!blackHole.isClosed()) {
                    try {
                        Socket socket = blackHole.accept();
                        synchronized (held) {
                            held.add(socket);
                        }
                        Thread.ofVirtual().start(() -> drain(socket));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            String endpoint = "http://127.0.0.1:" + blackHole.getLocalPort();
            String queue = endpoint + "/000000000000/never";
            WorkerOptions options = WorkerOptions.builder(queue).waitTime(Duration.ofSeconds(1)).build();
            PollerLiveness liveness = liveness(options);
            try (SqsClient silent = SqsClient.builder().endpointOverride(URI.create(endpoint)).region(Region.US_EAST_1)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                    .httpClientBuilder(ApacheHttpClient.builder().socketTimeout(Duration.ofMinutes(5))).build();
                 Worker worker = Worker.start(silent, options, m -> { }, List.of(liveness), Clock.systemUTC());
                 HealthServer server = HealthServer.start(0, () -> liveness.report("DISABLED", null))) {
                await().atMost(Duration.ofSeconds(15)).until(() -> get(server).status() == 503);
                JsonNode queueHealth = get(server).body().path("queues").get(0);
                assertThat(queueHealth.path("status").asText()).isEqualTo("stalled");
                assertThat(queueHealth.path("receiving").asBoolean()).isTrue();
                assertThat(queueHealth.path("msSinceLastReceive").asLong()).isGreaterThan(STALL_AFTER.toMillis());
                worker.shutdown(Duration.ofSeconds(1));
            }
        } finally {
            synchronized (held) {
                for (Socket socket : held) {
                    socket.close();
                }
            }
        }
    }

    @Test
    void aFullWorkerIsSaturatedWhileWorkMayStillCompleteThenStuck() throws Exception {
        String queue = sqs.queue("health-full");
        WorkerOptions options = WorkerOptions.builder(queue).maxConcurrency(2).receiveBatchSize(2).waitTime(Duration.ofSeconds(1)).build();
        // full of work is healthy until nothing has completed for stuckAfter: then hung handlers are reported
        PollerLiveness liveness = new PollerLiveness(options, STALL_AFTER, STALL_AFTER.multipliedBy(3));
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger started = new AtomicInteger();
        try (Worker worker = Worker.start(sqs.sqs(), options, m -> {
            started.incrementAndGet();
            release.await();
        }, List.of(liveness), Clock.systemUTC());
             HealthServer server = HealthServer.start(0, () -> liveness.report("DISABLED", null))) {
            sqs.send(queue, List.of("a", "b", "c"));
            await().atMost(Duration.ofSeconds(10)).until(() -> started.get() == 2);

            await().atMost(Duration.ofSeconds(15)).until(() -> "saturated".equals(get(server).body().path("queues").get(0).path("status").asText()));
            Answer full = get(server);
            assertThat(full.status()).isEqualTo(200);
            assertThat(full.body().path("inFlight").asInt()).isEqualTo(2);

            await().atMost(Duration.ofSeconds(15)).until(() -> get(server).status() == 503);
            assertThat(get(server).body().path("queues").get(0).path("status").asText()).isEqualTo("stuck");
            release.countDown();
        }
    }

    private static void drain(Socket socket) {
        try (InputStream in = socket.getInputStream()) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        } catch (IOException ignored) {
            // closed by the test
        }
    }
}
