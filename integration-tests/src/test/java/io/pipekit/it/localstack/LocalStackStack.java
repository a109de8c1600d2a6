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
 * EventBridge are LocalStack's own; Pipes is Pro-only there (AWS-SEMANTICS §8), so the pipe hop is
 * pipekit's local Pipes runtime reading LocalStack's streams and writing LocalStack's queues — the
 * suites then prove the worker and producers against a second, independent implementation of
 * every other service.
 */
final class LocalStackStack implements Stack {

    private final SqsClient sqs;
    private final KinesisClient kinesis;
    private final DynamoDbClient dynamoDb;
    private final DynamoDbStreamsClient streams;
    private final EventBridgeClient eventBridge;
    private final PipesRuntime runtime;
    private final PipesApiServer pipesApi;
    private final PipesClient pipes;

    LocalStackStack(LocalStackContainer localstack) {
        URI endpoint = localstack.getEndpoint();
        Region region = Region.of(localstack.getRegion());
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create(localstack.getAccessKey(), localstack.getSecretKey()));
        sqs = configure(SqsClient.builder(), endpoint, region, credentials).build();
        kinesis = configure(KinesisClient.builder(), endpoint, region, credentials).build();
        dynamoDb = configure(DynamoDbClient.builder(), endpoint, region, credentials).build();
        streams = configure(DynamoDbStreamsClient.builder(), endpoint, region, credentials).build();
        eventBridge = configure(EventBridgeClient.builder(), endpoint, region, credentials).build();
        runtime = PipesRuntime.builder().sqs(sqs).kinesis(kinesis).dynamoDbStreams(streams)
                .region(localstack.getRegion()).accountId("000000000000").options(EmbeddedStack.fastPipes()).build();
        pipesApi = PipesApiServer.start(runtime);
        pipes = configure(PipesClient.builder(), pipesApi.endpoint(), region, credentials).build();
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
    public SqsClient sqs() {
        return sqs;
    }

    @Override
    public KinesisClient kinesis() {
        return kinesis;
    }

    @Override
    public DynamoDbClient dynamoDb() {
        return dynamoDb;
    }

    @Override
    public EventBridgeClient eventBridge() {
        return eventBridge;
    }

    @Override
    public PipesClient pipes() {
        return pipes;
    }

    @Override
    public PipeMetrics pipeMetrics(String pipeName) {
        return runtime.metrics(pipeName);
    }

    @Override
    public void close() {
        pipes.close();
        pipesApi.close();
        runtime.close();
        eventBridge.close();
        streams.close();
        dynamoDb.close();
        kinesis.close();
        sqs.close();
    }
}
