package io.pipekit.local;

import io.pipekit.pipes.provision.AwsClients;
import java.util.Set;

/**
 * Provisioning's client set for a running {@link LocalCloud}. It lives here, on the side that knows
 * both the deploy code and the emulators, so the deploy module never depends on an emulator.
 */
public final class LocalAwsClients {

    private LocalAwsClients() {}

    /**
     * Clients for a running {@link LocalCloud}: Pipes, EventBridge and SQS (required), Kinesis and
     * DynamoDB when it runs them; no IAM and no SNS (it emulates neither). Close the result when done.
     */
    public static AwsClients of(LocalCloud cloud) {
        Set<LocalService> running = cloud.services();
        return new AwsClients(cloud.pipesClient(), cloud.eventBridgeClient(), cloud.sqsClient(), null,
                running.contains(LocalService.KINESIS) ? cloud.kinesisClient() : null,
                running.contains(LocalService.DYNAMODB) ? cloud.dynamoDbClient() : null,
                null);
    }
}
