package io.pipekit.it.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * One {@code moto_server} child process for a test class: started on a free loopback port before
 * the class (a bounded wait for it to answer), killed after it. Register it as
 * {@code @RegisterExtension static final MotoServer MOTO = new MotoServer();}. Without
 * {@code moto_server} on {@code PATH} the class is skipped with the reason printed.
 *
 * <p>One process serves every AWS service on its port. {@link #reset()} empties it between tests
 * (a stack that failed half-way leaves its resources behind), and {@link #enforceIam(boolean)}
 * switches moto's IAM enforcement on and off at run time: it is moto's
 * {@code INITIAL_NO_AUTH_ACTION_COUNT} setting (0 = check every request against the caller's IAM
 * policies), set through moto's {@code /moto-api/reset-auth} so the same process can be set up
 * without checks and then exercised with them (docs/deploy-testing.md).
 */
final class MotoServer implements BeforeAllCallback, AfterAllCallback {

    static final Region REGION = Region.US_EAST_1;
    static final String ACCOUNT = "123456789012";
    /** Keys of no IAM user: accepted while enforcement is off (moto's default), denied once it is on. */
    static final AwsCredentialsProvider BOOTSTRAP = StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"));

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Pattern UNSUPPORTED = Pattern.compile("No Moto CloudFormation support for (\\S+)");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Process process;
    private Path log;
    private URI endpoint;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        ExternalTool tool = ExternalTool.requireOnPath("moto_server", "pip install 'moto[server]==5.2.1'");
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Files.createDirectories(Repository.WORK);
        log = Repository.WORK.resolve("moto-" + context.getRequiredTestClass().getSimpleName() + ".log");
        process = new ProcessBuilder(tool.executable().toString(), "-H", "127.0.0.1", "-p", Integer.toString(port))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        process.getOutputStream().close();
        endpoint = URI.create("http://127.0.0.1:" + port);
        long start = System.nanoTime();
        try {
            Awaitility.await("moto_server answering on " + endpoint).atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(100))
                    .failFast("moto_server exited", () -> !process.isAlive())
                    .until(this::answers);
        } catch (RuntimeException e) {
            String tail = tail();
            afterAll(context);
            throw new IllegalStateException("moto_server did not start: " + e.getMessage() + "\n" + tail, e);
        }
        System.out.printf("moto_server on %s started in %d ms (log %s)%n", endpoint, (System.nanoTime() - start) / 1_000_000, log);
    }

    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        if (process == null) {
            return;
        }
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        process = null;
    }

    URI endpoint() {
        return endpoint;
    }

    /** Points an SDK client builder at this server, with the given credentials. */
    <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C client(B builder, AwsCredentialsProvider credentials) {
        return builder.endpointOverride(endpoint).region(REGION).credentialsProvider(credentials)
                .httpClientBuilder(ApacheHttpClient.builder().socketTimeout(Duration.ofSeconds(30))).build();
    }

    /** Forgets every resource of every service (and switches IAM enforcement off). */
    void reset() {
        enforceIam(false);
        post("/moto-api/reset", "");
    }

    /** On: every later request is checked against the caller's IAM policies. Off: none is. */
    void enforceIam(boolean on) {
        post("/moto-api/reset-auth", on ? "0" : "inf");
    }

    /** Resource types CloudFormation templates named that moto accepted without creating anything. */
    List<String> unsupportedResourceTypes() {
        try {
            Matcher m = UNSUPPORTED.matcher(Files.readString(log));
            return m.results().map(r -> r.group(1).replaceAll("[.,;:]+$", "")).distinct().sorted().collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private boolean answers() {
        try {
            return http.send(HttpRequest.newBuilder(endpoint.resolve("/moto-api/")).timeout(Duration.ofSeconds(2)).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void post(String path, String body) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(endpoint.resolve(path)).timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("moto " + path + " answered " + response.statusCode() + ": " + response.body());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
