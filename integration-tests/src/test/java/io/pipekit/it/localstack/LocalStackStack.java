package io.pipekit.it.localstack;

import io.pipekit.it.e2e.EmbeddedStack;
import io.pipekit.it.e2e.Stack;
import io.pipekit.pipes.runtime.PipeMetrics;
import io.pipekit.pipes.runtime.PipesApiServer;
import io.pipekit.pipes.runtime.PipesRuntime;
import java.net.URI;
import org.testcontainers.containers.localstack.LocalStackContainer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.pipes.PipesClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * A running LocalStack container as a {@link Stack}. SQS, Kinesis, DynamoDB (+ Streams) and
 * EventBridge are LocalStack's own; Pipes is Pro-only there (docs/aws-behaviour.md §8), so the pipe hop is
 * pipekit's local Pipes runtime reading LocalStack's streams and writing LocalStack's queues — the
 * suites then prove the worker and producers against a second, independent implementation of
 * every other service.
 */
final class LocalStackStack implements Stack {

    private final DynamoDbStreamsClient streams;
    private final PipesRuntime runtime;
    private final PipesApiServer pipesApi;
    private final Clients clients;

    LocalStackStack(LocalStackContainer localstack) {
        URI endpoint = localstack.getEndpoint();
        Region region = Region.of(localstack.getRegion());
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create(localstack.getAccessKey(), localstack.getSecretKey()));
        SqsClient sqs = configure(SqsClient.builder(), endpoint, region, credentials).build();
        KinesisClient kinesis = configure(KinesisClient.builder(), endpoint, region, credentials).build();
        DynamoDbClient dynamoDb = configure(DynamoDbClient.builder(), endpoint, region, credentials).build();
        streams = configure(DynamoDbStreamsClient.builder(), endpoint, region, credentials).build();
        EventBridgeClient eventBridge = configure(EventBridgeClient.builder(), endpoint, region, credentials).build();
        runtime = PipesRuntime.builder().sqs(sqs).kinesis(kinesis).dynamoDbStreams(streams)
                .region(localstack.getRegion()).accountId("000000000000").options(EmbeddedStack.fastPipes()).build();
        pipesApi = PipesApiServer.start(runtime);
        PipesClient pipes = configure(PipesClient.builder(), pipesApi.endpoint(), region, credentials).build();
        clients = new Clients(sqs, kinesis, dynamoDb, eventBridge, pipes);
    }

    private static <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B configure(B builder, URI endpoint, Region region,
            StaticCredentialsProvider credentials) {
        return builder.endpointOverride(endpoint).region(region).credentialsProvider(credentials).httpClientBuilder(ApacheHttpClient.builder());
    }

    @Override
    public String label() {
        return "localstack";
    }

    @Override
    public Clients clients() {
        return clients;
    }

    @Override
    public PipeMetrics pipeMetrics(String pipeName) {
        return runtime.metrics(pipeName);
    }

    @Override
    public void close() {
        // the runtime reads and writes through the clients: stop it before closing them
        pipesApi.close();
        runtime.close();
        streams.close();
        clients.close();
    }
}
