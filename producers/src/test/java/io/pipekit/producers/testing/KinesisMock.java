package io.pipekit.producers.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * kinesis-mock (npm {@code kinesis-local@0.6.2}, installed by this module's build) as a child
 * {@code node} process on loopback, for this module's tests and benchmarks only; the shared
 * launcher in pipes replaces it later. Fixes from EMULATORS.md §4a: the hard-coded 0.0.0.0 bind
 * is patched to 127.0.0.1, {@code KINESIS_MOCK_CERT_PATH} is absolute, and readiness is probed on
 * the plain port only (a bare connect to the TLS port makes SIGTERM hang for 30 s).
 */
public final class KinesisMock implements AutoCloseable {

    private static final String BIND_ALL = "Host$().em(\"0.0.0.0\")";
    private static final String BIND_LOOPBACK = "Host$().em(\"127.0.0.1\")";

    private final Process process;
    private final URI endpoint;
    /** Kills the child if the JVM exits without close() (a killed benchmark, an aborted test run). */
    private final Thread orphanGuard;

    private KinesisMock(Process process, int plainPort) {
        this.process = process;
        this.endpoint = URI.create("http://127.0.0.1:" + plainPort);
        this.orphanGuard = new Thread(process::destroyForcibly, "kinesis-mock-orphan-guard");
        Runtime.getRuntime().addShutdownHook(orphanGuard);
    }

    public static KinesisMock start() throws IOException {
        String rel = "target/npm/node_modules/kinesis-local/main.js";
        Path main = Path.of(System.getProperty("kinesis.local.main",
                Files.exists(Path.of(rel)) ? rel : "producers/" + rel)).toAbsolutePath(); // module dir or repo root
        if (!Files.exists(main)) {
            throw new IllegalStateException(main + " missing: run the build (generate-test-resources installs kinesis-local)");
        }
        Path dir = main.getParent();
        Path patched = dir.resolve("main-loopback.js");
        if (!Files.exists(patched)) {
            String js = Files.readString(main, StandardCharsets.UTF_8);
            int first = js.indexOf(BIND_ALL);
            if (first < 0 || js.indexOf(BIND_ALL, first + 1) >= 0) {
                throw new IllegalStateException("expected exactly one " + BIND_ALL + " in " + main);
            }
            Path tmp = Files.createTempFile(dir, "main-loopback", ".js");
            Files.writeString(tmp, js.replace(BIND_ALL, BIND_LOOPBACK), StandardCharsets.UTF_8);
            Files.move(tmp, patched, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        int plain = freePort();
        int tls = freePort();
        ProcessBuilder pb = new ProcessBuilder("node", patched.toString()).directory(dir.toFile());
        pb.environment().put("KINESIS_MOCK_PLAIN_PORT", Integer.toString(plain));
        pb.environment().put("KINESIS_MOCK_TLS_PORT", Integer.toString(tls));
        pb.environment().put("KINESIS_MOCK_CERT_PATH", dir.resolve("server.json").toString());
        pb.environment().put("CREATE_STREAM_DURATION", "50ms");
        pb.environment().put("DELETE_STREAM_DURATION", "50ms");
        pb.environment().put("AWS_REGION", "us-east-1");
        pb.environment().put("AWS_ACCOUNT_ID", "000000000000");
        pb.environment().put("LOG_LEVEL", "WARN");
        pb.redirectErrorStream(true);
        pb.redirectOutput(dir.resolve("kinesis-mock-" + plain + ".log").toFile());
        Process p = pb.start();
        KinesisMock mock = new KinesisMock(p, plain);
        try {
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(25))
                    .until(() -> !p.isAlive() || accepts(plain));
            if (!p.isAlive()) throw new IllegalStateException("kinesis-mock exited with " + p.exitValue());
        } catch (RuntimeException e) {
            mock.close();
            throw e;
        }
        return mock;
    }

    public URI endpoint() {
        return endpoint;
    }

    public KinesisClient newClient() {
        return newClient(endpoint);
    }

    public static KinesisClient newClient(URI endpoint) {
        return KinesisClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClientBuilder(ApacheHttpClient.builder().maxConnections(64))
                .build();
    }

    /** Creates a stream and waits until it is ACTIVE. */
    public static void createStream(KinesisClient client, String name, int shards) {
        client.createStream(b -> b.streamName(name).shardCount(shards));
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(25)).until(() ->
                client.describeStreamSummary(b -> b.streamName(name)).streamDescriptionSummary().streamStatus()
                        == StreamStatus.ACTIVE);
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(orphanGuard);
        } catch (IllegalStateException shuttingDown) {
            // the guard is running already
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
