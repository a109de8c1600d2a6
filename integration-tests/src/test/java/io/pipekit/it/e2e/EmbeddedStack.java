package io.pipekit.it.e2e;

import io.pipekit.local.KinesisBackend;
import io.pipekit.local.LocalCloud;
import io.pipekit.pipes.runtime.PipeMetrics;
import io.pipekit.pipes.runtime.PipesRuntime;
import java.time.Duration;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.pipes.PipesClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The embedded stack: one {@link LocalCloud} (ElasticMQ, DynamoDB Local, kinesalite, the local Pipes
 * runtime and EventBridge bus). kinesalite rather than kinesis-mock: several hundred records per
 * suite on a loaded 2-core box, and kinesis-mock slows down as a stream fills (pipes/README.md).
 */
public final class EmbeddedStack implements Stack {

    private final LocalCloud cloud;
    private final SqsClient sqs;
    private final KinesisClient kinesis;
    private final DynamoDbClient dynamoDb;
    private final EventBridgeClient eventBridge;
    private final PipesClient pipes;

    public EmbeddedStack() {
        cloud = LocalCloud.builder().withSqs().withDynamoDb().withKinesis(KinesisBackend.KINESALITE)
                .withPipes(fastPipes()).withEventBridge().start();
        sqs = cloud.sqsClient();
        kinesis = cloud.kinesisClient();
        dynamoDb = cloud.dynamoDbClient();
        eventBridge = cloud.eventBridgeClient();
        pipes = cloud.pipesClient();
    }

    /** Short idle polls and backoffs, so a test does not wait out production-like pauses. */
    public static PipesRuntime.Options fastPipes() {
        return PipesRuntime.Options.defaults().withIdlePollInterval(Duration.ofMillis(50))
                .withBackoff(Duration.ofMillis(50), Duration.ofMillis(500));
    }

    @Override
    public String label() {
        return "embedded";
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
        return cloud.pipes().metrics(pipeName);
    }

    @Override
    public void close() {
        pipes.close();
        eventBridge.close();
        dynamoDb.close();
        kinesis.close();
        sqs.close();
        cloud.close();
    }
}
