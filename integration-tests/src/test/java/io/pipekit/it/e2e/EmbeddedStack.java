package io.pipekit.it.e2e;

import io.pipekit.local.KinesisBackend;
import io.pipekit.local.LocalCloud;
import io.pipekit.pipes.runtime.PipeMetrics;
import io.pipekit.pipes.runtime.PipesRuntime;
import java.time.Duration;

/**
 * The embedded stack: one {@link LocalCloud} (ElasticMQ, DynamoDB Local, kinesalite, the local Pipes
 * runtime and EventBridge bus). kinesalite rather than kinesis-mock: several hundred records per
 * suite on a loaded 2-core box, and kinesis-mock slows down as a stream fills (pipes/README.md).
 */
public final class EmbeddedStack implements Stack {

    private final LocalCloud cloud;
    private final Clients clients;

    public EmbeddedStack() {
        cloud = LocalCloud.builder().withSqs().withDynamoDb().withKinesis(KinesisBackend.KINESALITE)
                .withPipes(fastPipes()).withEventBridge().start();
        clients = new Clients(cloud.sqsClient(), cloud.kinesisClient(), cloud.dynamoDbClient(), cloud.eventBridgeClient(), cloud.pipesClient());
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
    public Clients clients() {
        return clients;
    }

    @Override
    public PipeMetrics pipeMetrics(String pipeName) {
        return cloud.pipes().metrics(pipeName);
    }

    @Override
    public void close() {
        clients.close();
        cloud.close();
    }
}
