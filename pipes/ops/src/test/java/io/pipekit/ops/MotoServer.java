package io.pipekit.ops;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.builder.SdkClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.pipes.PipesClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * {@code moto_server} as a child process on a free loopback port, for the IAM, KMS and queue-policy
 * behaviour the local stack does not have. Tests using it are skipped, with the reason printed, where
 * moto_server is not on the PATH.
 */
public final class MotoServer implements AutoCloseable {

    private final Process process;
    private final URI endpoint;

    private MotoServer(Process process, URI endpoint) {
        this.process = process;
        this.endpoint = endpoint;
    }

    /** Starts moto_server, or skips the calling test (JUnit assumption) when it is not installed. */
    public static MotoServer startOrSkip() throws IOException {
        String exe = onPath("moto_server");
        if (exe == null) {
            System.out.println("SKIPPED: moto_server is not on the PATH (pip install 'moto[server]'); the IAM/KMS/queue-policy checks are not exercised");
        }
        assumeTrue(exe != null, "moto_server not on the PATH");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        File log = new File("target/moto-" + port + ".log");
        Process p = new ProcessBuilder(exe, "-H", "127.0.0.1", "-p", String.valueOf(port)).redirectErrorStream(true)
                .redirectOutput(log).start();
        try {
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        if (!p.isAlive()) {
                            throw new IOException("moto_server exited; see " + log);
                        }
                        try (Socket socket = new Socket()) {
                            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                            return true;
                        } catch (IOException notYet) {
                            return false;
                        }
                    });
        } catch (RuntimeException e) {
            p.destroyForcibly();
            throw new IOException("moto_server did not start on port " + port + "; see " + log, e);
        }
        return new MotoServer(p, URI.create("http://127.0.0.1:" + port));
    }

    private static String onPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            File f = new File(dir, name);
            if (f.canExecute()) {
                return f.getAbsolutePath();
            }
        }
        return null;
    }

    public URI endpoint() {
        return endpoint;
    }

    public <B extends SdkClientBuilder<B, ?> & software.amazon.awssdk.awscore.client.builder.AwsClientBuilder<B, ?>> B configure(B builder,
            List<ExecutionInterceptor> interceptors) {
        ClientOverrideConfiguration.Builder override = ClientOverrideConfiguration.builder();
        interceptors.forEach(override::addExecutionInterceptor);
        return builder.endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
                .overrideConfiguration(override.build());
    }

    /** Every client doctor and dlq use, at moto; {@code interceptors} may refuse chosen calls. */
    public OpsClients clients(ExecutionInterceptor... interceptors) {
        List<ExecutionInterceptor> list = List.of(interceptors);
        return new OpsClients(
                configure(SqsClient.builder(), list).build(),
                configure(PipesClient.builder(), list).build(),
                configure(EventBridgeClient.builder(), list).build(),
                configure(IamClient.builder(), list).region(Region.AWS_GLOBAL).build(),
                configure(KmsClient.builder(), list).build(),
                configure(KinesisClient.builder(), list).build(),
                configure(DynamoDbStreamsClient.builder(), list).build());
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
