package io.pipekit.local;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.elasticmq.NodeAddress;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * ElasticMQ, a real SQS protocol server, running in this JVM on a free loopback port.
 *
 * <p>It speaks the AWS JSON 1.0 protocol of SDK 2.40.2 (docs/emulators.md §2), so production code talks
 * to it through an ordinary {@link SqsClient} with an endpoint override — nothing is mocked.
 */
public final class EmbeddedSqs implements AutoCloseable {

    /** The account and region ElasticMQ stamps into queue ARNs (it says {@code elasticmq} otherwise). */
    public static final String ACCOUNT_ID = "000000000000";
    public static final Region REGION = Region.US_EAST_1;

    private final SQSRestServer server;
    private final URI endpoint;

    private EmbeddedSqs(SQSRestServer server, int port) {
        this.server = server;
        this.endpoint = URI.create("http://127.0.0.1:" + port);
    }

    /** Starts a fresh server bound to 127.0.0.1 on a free port; blocks until it accepts requests. */
    public static EmbeddedSqs start() {
        SQSRestServer server = SQSRestServerBuilder.withInterface("127.0.0.1")
                .withDynamicPort()
                // "*": queue URLs take the host:port of the request, so behind the single endpoint they
                // name it, and on ElasticMQ's own port they name that
                .withServerAddress(new NodeAddress("http", "*", 0, ""))
                .withAWSRegion(REGION.id())
                .withAWSAccountId(ACCOUNT_ID)
                .start();
        int port = server.waitUntilStarted().localAddress().getPort();
        return new EmbeddedSqs(server, port);
    }

    /** The endpoint URL, usable as {@code AWS_ENDPOINT_URL_SQS}. */
    public URI endpoint() {
        return endpoint;
    }

    /** A new SDK client for this server. Callers own and close it. */
    public SqsClient newClient() {
        return SqsClient.builder()
                .endpointOverride(endpoint)
                .region(REGION)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                // long polls of 20 s need a socket timeout above it (docs/aws-behaviour.md §9)
                .httpClientBuilder(ApacheHttpClient.builder()
                        .socketTimeout(Duration.ofSeconds(30))
                        .maxConnections(256))
                .build();
    }

    /** Creates (or returns) a queue and returns its URL. */
    public String createQueue(String name, Map<QueueAttributeName, String> attributes) {
        try (SqsClient sqs = newClient()) {
            return sqs.createQueue(b -> b.queueName(name).attributes(attributes)).queueUrl();
        }
    }

    /** The ARN of a queue created on this server. */
    public static String queueArn(String queueName) {
        return "arn:aws:sqs:" + REGION.id() + ":" + ACCOUNT_ID + ":" + queueName;
    }

    @Override
    public void close() {
        server.stopAndWait();
    }
}
