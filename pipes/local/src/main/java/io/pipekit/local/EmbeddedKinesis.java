package io.pipekit.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.KinesisClientBuilder;

/**
 * A Kinesis emulator (kinesis-mock or kinesalite, see {@link KinesisBackend}) run as a child
 * {@code node} process on a free loopback port.
 *
 * <p>The child is started through a small wrapper script that exits when its stdin closes, so it
 * dies with this JVM even on {@code kill -9}; {@link #close()} and a shutdown hook stop it earlier.
 */
public final class EmbeddedKinesis implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKinesis.class);
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);
    private static final int PORT_ATTEMPTS = 3;
    /** kinesis-mock hard-codes this bind; the launcher patches exactly one occurrence (docs/emulators.md §4a). */
    private static final String ANY_HOST = "Host$().em(\"0.0.0.0\")";
    private static final String LOOPBACK_HOST = "Host$().em(\"127.0.0.1\")";
    /** Ends the emulator when the JVM that started it goes away, however it went. */
    private static final String EXIT_WITH_PARENT =
            "process.stdin.on('end', () => process.exit(0)); process.stdin.on('error', () => process.exit(0)); process.stdin.resume();\n";

    private final KinesisBackend backend;
    private final Process process;
    private final Path workDir;
    private final URI endpoint;
    private final Thread shutdownHook;

    private EmbeddedKinesis(KinesisBackend backend, Process process, Path workDir, int port) {
        this.backend = backend;
        this.process = process;
        this.workDir = workDir;
        this.endpoint = URI.create("http://127.0.0.1:" + port);
        this.shutdownHook = Thread.ofPlatform().unstarted(this::stopProcess);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts the given backend and returns once a Kinesis call succeeds on its plain HTTP port. */
    public static EmbeddedKinesis start(KinesisBackend backend) {
        return start(backend, FreePort::pick);
    }

    /** As {@link #start(KinesisBackend)}, with the plain port of each attempt from {@code ports} (tests). */
    static EmbeddedKinesis start(KinesisBackend backend, IntSupplier ports) {
        if (backend == KinesisBackend.KINESALITE) {
            // kinesalite's GetRecords answers JSON where the SDK's CBOR decoder expects bytes
            // (docs/emulators.md §4b). The SDK reads this property when a client is built.
            System.setProperty("aws.cborEnabled", "false");
        }
        String packageName = backend == KinesisBackend.KINESIS_MOCK ? "kinesis-local" : "kinesalite";
        NodePackages packages = NodePackages.locate(packageName);
        for (int attempt = 1; ; attempt++) {
            try {
                return startOnce(backend, packages, packageName, ports.getAsInt());
            } catch (PortTaken e) {
                if (attempt == PORT_ATTEMPTS) {
                    throw new IllegalStateException(backend + " could not bind a free port in " + PORT_ATTEMPTS
                            + " attempts: another server took each one first. Its last output:\n" + e.output, e);
                }
                LOG.info("another server took port {} before {} could bind it; starting it on another", e.port, backend);
            }
        }
    }

    /**
     * The free port is picked here but bound by the child, so in between another server asking for
     * any free port (ElasticMQ, starting in parallel) may get the same one. Then the child cannot
     * bind, and a probe that only connects would take the other server for the emulator; hence the
     * Kinesis call in {@link #awaitReady} and a fresh port when the child dies after the port
     * answered.
     */
    private static EmbeddedKinesis startOnce(KinesisBackend backend, NodePackages packages, String packageName, int port) {
        Path workDir;
        try {
            workDir = Files.createTempDirectory("pipekit-kinesis-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ProcessBuilder builder;
        try {
            builder = switch (backend) {
                case KINESIS_MOCK -> kinesisMock(packages, workDir, port);
                case KINESALITE -> kinesalite(packages, workDir, port);
            };
        } catch (IOException e) {
            deleteQuietly(workDir);
            throw new UncheckedIOException("cannot prepare " + packageName + " in " + workDir, e);
        }
        Path log = workDir.resolve("emulator.log");
        builder.directory(workDir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            deleteQuietly(workDir);
            throw new IllegalStateException("cannot start `" + packages.node() + "`: " + e.getMessage()
                    + ". Fix: install Node.js 18+ or set -D" + NodePackages.NODE_PROPERTY + ".", e);
        }
        EmbeddedKinesis kinesis = new EmbeddedKinesis(backend, process, workDir, port);
        try {
            kinesis.awaitReady(port, log);
        } catch (PortTaken e) {
            e.output = tail(log);
            kinesis.close();
            throw e;
        } catch (RuntimeException e) {
            kinesis.close();
            throw e;
        }
        LOG.debug("{} {} listening on {}", packageName, packages.version(packageName), kinesis.endpoint);
        return kinesis;
    }

    private static ProcessBuilder kinesisMock(NodePackages packages, Path workDir, int plainPort) throws IOException {
        Path dir = packages.packageDir("kinesis-local");
        String main = Files.readString(dir.resolve("main.js"), StandardCharsets.UTF_8);
        int first = main.indexOf(ANY_HOST);
        if (first < 0 || main.indexOf(ANY_HOST, first + 1) >= 0) {
            throw new IllegalStateException("kinesis-local's main.js does not contain exactly one " + ANY_HOST
                    + "; the loopback patch only knows kinesis-local " + packages.version("kinesis-local"));
        }
        Files.writeString(workDir.resolve("main.js"), main.replace(ANY_HOST, LOOPBACK_HOST), StandardCharsets.UTF_8);
        Files.writeString(workDir.resolve("run.js"), EXIT_WITH_PARENT + "require('./main.js');\n");
        ProcessBuilder builder = new ProcessBuilder(packages.node(), "run.js");
        Map<String, String> env = builder.environment();
        env.put("KINESIS_MOCK_PLAIN_PORT", Integer.toString(plainPort));
        env.put("KINESIS_MOCK_TLS_PORT", Integer.toString(FreePort.pick()));
        // server.json is otherwise resolved against the working directory (docs/emulators.md §4a)
        env.put("KINESIS_MOCK_CERT_PATH", dir.resolve("server.json").toAbsolutePath().toString());
        env.put("AWS_REGION", EmbeddedSqs.REGION.id());
        env.put("AWS_ACCOUNT_ID", EmbeddedSqs.ACCOUNT_ID);
        env.put("CREATE_STREAM_DURATION", "50ms");
        env.put("DELETE_STREAM_DURATION", "50ms");
        env.put("UPDATE_STREAM_DURATION", "50ms");
        env.put("LOG_LEVEL", "WARN");
        return builder;
    }

    private static ProcessBuilder kinesalite(NodePackages packages, Path workDir, int port) throws IOException {
        String module = packages.packageDir("kinesalite").toAbsolutePath().toString().replace("\\", "\\\\").replace("'", "\\'");
        // kinesalite's CLI listens on all interfaces; this wrapper binds loopback (docs/emulators.md §4b)
        Files.writeString(workDir.resolve("run.js"), EXIT_WITH_PARENT
                + "const server = require('" + module + "')({createStreamMs: 50, deleteStreamMs: 50, updateStreamMs: 50, shardLimit: 100});\n"
                + "server.listen(" + port + ", '127.0.0.1');\n");
        return new ProcessBuilder(packages.node(), "run.js");
    }

    /** The child died after something answered on its port: another server holds that port. */
    private static final class PortTaken extends RuntimeException {
        final int port;
        String output = "";

        PortTaken(int port) {
            super("port " + port + " taken", null, false, false);
            this.port = port;
        }
    }

    private void awaitReady(int port, Path log) {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        boolean portAnswered = false;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                String output = tail(log);
                if (portAnswered || listens(port) || output.contains("EADDRINUSE") || output.contains("Address already in use")) {
                    throw new PortTaken(port); // one of its two ports went to another server first
                }
                throw new IllegalStateException(backend + " exited with " + process.exitValue() + " before listening. Its output:\n" + output);
            }
            // only ever probe the plain port: a bare connect to kinesis-mock's TLS port makes it
            // hang for 30 s on shutdown (docs/emulators.md §4a)
            if (listens(port)) {
                portAnswered = true;
                if (answersAsKinesis()) {
                    return;
                }
            }
            try {
                process.waitFor(25, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting " + backend, e);
            }
        }
        throw new IllegalStateException(backend + " did not answer on 127.0.0.1:" + port + " within " + STARTUP_TIMEOUT + ". Its output:\n" + tail(log));
    }

    private static boolean listens(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether a real Kinesis call succeeds on the endpoint (not merely some server accepting connections). */
    private boolean answersAsKinesis() {
        try (KinesisClient client = clientBuilder(Duration.ofSeconds(2), 1)
                .overrideConfiguration(o -> o.apiCallTimeout(Duration.ofSeconds(3)).retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build()) {
            client.listStreams(b -> b.limit(1));
            return true;
        } catch (SdkException notKinesis) {
            return false;
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    public KinesisBackend backend() {
        return backend;
    }

    /** The plain-HTTP endpoint URL, usable as {@code AWS_ENDPOINT_URL_KINESIS}. */
    public URI endpoint() {
        return endpoint;
    }

    /**
     * A new SDK client for this emulator. Callers own and close it. For kinesalite, CBOR is already
     * off in this JVM; other processes need the environment variable {@code CBOR_ENABLED=false}.
     */
    public KinesisClient newClient() {
        return clientBuilder(Duration.ofSeconds(30), 64).build();
    }

    private KinesisClientBuilder clientBuilder(Duration socketTimeout, int connections) {
        return KinesisClient.builder()
                .endpointOverride(endpoint)
                .region(EmbeddedSqs.REGION)
                .credentialsProvider(LocalCredentials.PROVIDER)
                .httpClientBuilder(ApacheHttpClient.builder().socketTimeout(socketTimeout).maxConnections(connections));
    }

    @Override
    public void close() {
        stopProcess();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or has run
        }
        deleteQuietly(workDir);
    }

    private void stopProcess() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(3, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(3, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory left behind is harmless
        }
    }
}
