package io.pipekit.ops;

import io.pipekit.pipes.provision.AwsClients;
import java.net.URI;
import software.amazon.awssdk.core.client.builder.SdkClientBuilder;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.pipes.PipesClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The SDK clients {@code doctor} and {@code dlq} talk through: provisioning's {@link AwsClients}
 * plus KMS (key policies) and DynamoDB Streams (re-reading a shard for a replay).
 *
 * @param iam null where the endpoint has no IAM (pipekit's local stack): role checks become notes
 * @param kms null where the endpoint has no KMS: key-policy checks become notes
 */
public record OpsClients(
        SqsClient sqs,
        PipesClient pipes,
        EventBridgeClient events,
        IamClient iam,
        KmsClient kms,
        KinesisClient kinesis,
        DynamoDbStreamsClient dynamoDbStreams) implements AutoCloseable {

    /**
     * Clients from the standard AWS environment, or all at {@code endpoint}. IAM and KMS follow the rule
     * of {@link AwsClients#fromEnvironment(boolean, URI)}: when Pipes is overridden per service
     * ({@code AWS_ENDPOINT_URL_PIPES}, an emulator) and IAM or KMS is not, that service is left out
     * rather than asked in real AWS with an emulator's dummy keys.
     */
    public static OpsClients fromEnvironment(URI endpoint) {
        boolean emulatedPipes = endpoint == null && overridden("PIPES", "Pipes") && !overridden(null, null);
        return new OpsClients(
                with(SqsClient.builder(), endpoint).build(),
                with(PipesClient.builder(), endpoint).build(),
                with(EventBridgeClient.builder(), endpoint).build(),
                emulatedPipes && !overridden("IAM", "Iam") ? null : with(IamClient.builder().region(Region.AWS_GLOBAL), endpoint).build(),
                emulatedPipes && !overridden("KMS", "Kms") ? null : with(KmsClient.builder(), endpoint).build(),
                with(KinesisClient.builder(), endpoint).build(),
                with(DynamoDbStreamsClient.builder(), endpoint).build());
    }

    /** Provisioning's clients plus the two it lacks (either may be null). */
    public static OpsClients of(AwsClients aws, KmsClient kms, DynamoDbStreamsClient dynamoDbStreams) {
        return new OpsClients(aws.sqs(), aws.pipes(), aws.events(), aws.iam(), kms, aws.kinesis(), dynamoDbStreams);
    }

    private static boolean overridden(String variableSuffix, String propertySuffix) {
        String variable = variableSuffix == null ? "AWS_ENDPOINT_URL" : "AWS_ENDPOINT_URL_" + variableSuffix;
        String property = propertySuffix == null ? "aws.endpointUrl" : "aws.endpointUrl" + propertySuffix;
        String p = System.getProperty(property);
        String v = System.getenv(variable);
        return (p != null && !p.isBlank()) || (v != null && !v.isBlank());
    }

    private static <B extends SdkClientBuilder<B, ?>> B with(B builder, URI endpoint) {
        return endpoint == null ? builder : builder.endpointOverride(endpoint);
    }

    @Override
    public void close() {
        for (AutoCloseable c : new AutoCloseable[] {sqs, pipes, events, iam, kms, kinesis, dynamoDbStreams}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // best effort: nothing is in flight when the command ends
                }
            }
        }
    }
}
