package io.pipekit.pipes.provision;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.pipes.PipesClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The SDK clients provisioning talks through. Build them however the environment needs (endpoint
 * overrides for LocalStack or the local runtime); {@link #fromEnvironment()} uses the standard AWS
 * resolution, which honours {@code AWS_REGION}, profiles, {@code AWS_ENDPOINT_URL} and
 * {@code AWS_ENDPOINT_URL_<SERVICE>} (PIPES, EVENTBRIDGE, SQS, IAM, KINESIS, DYNAMODB, SNS).
 *
 * @param iam null to skip role management (the local runtime has no IAM); pipes then get the
 *     role ARN pipekit would have created, which the local runtime ignores
 */
public record AwsClients(
        PipesClient pipes,
        EventBridgeClient events,
        SqsClient sqs,
        IamClient iam,
        KinesisClient kinesis,
        DynamoDbClient dynamodb,
        SnsClient sns) implements AutoCloseable {

    /** Clients configured entirely by the standard AWS environment and config files. */
    public static AwsClients fromEnvironment(boolean withIam) {
        return fromEnvironment(withIam, null);
    }

    /**
     * Like {@link #fromEnvironment(boolean)}, with one endpoint for every service when
     * {@code endpoint} is not null (like the AWS CLI's {@code --endpoint-url}).
     */
    public static AwsClients fromEnvironment(boolean withIam, java.net.URI endpoint) {
        return new AwsClients(
                with(PipesClient.builder(), endpoint).build(),
                with(EventBridgeClient.builder(), endpoint).build(),
                with(SqsClient.builder(), endpoint).build(),
                withIam ? with(IamClient.builder().region(software.amazon.awssdk.regions.Region.AWS_GLOBAL), endpoint).build() : null,
                with(KinesisClient.builder(), endpoint).build(),
                with(DynamoDbClient.builder(), endpoint).build(),
                with(SnsClient.builder(), endpoint).build());
    }

    private static <B extends software.amazon.awssdk.core.client.builder.SdkClientBuilder<B, ?>> B with(B builder, java.net.URI endpoint) {
        return endpoint == null ? builder : builder.endpointOverride(endpoint);
    }

    @Override
    public void close() {
        for (AutoCloseable c : new AutoCloseable[] {pipes, events, sqs, iam, kinesis, dynamodb, sns}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // closing is best effort; nothing is in flight
                }
            }
        }
    }
}
