package io.pipekit.pipes.provision;

import software.amazon.awssdk.services.resourcegroupstaggingapi.ResourceGroupsTaggingApiClient;

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
 * <p>Emulators without IAM or SNS (pipekit's local stack, whose module builds its clients with
 * {@code io.pipekit.local.LocalAwsClients}) leave both out, and {@link #fromEnvironment(boolean, java.net.URI)} does the same when the Pipes endpoint
 * is overridden per service ({@code AWS_ENDPOINT_URL_PIPES}) but IAM or SNS is not, or when the one
 * endpoint ({@code AWS_ENDPOINT_URL}, {@code --endpoint-url}) is pipekit's local stack — real IAM roles
 * or SNS subscriptions for an emulated pipe or queue would be meaningless, and the standard chain
 * would otherwise send those calls to AWS with the emulator's dummy keys. The plan then says what
 * was skipped (see {@code Plan#notes()}).
 *
 * @param iam null to skip role management (the local runtime has no IAM); pipes then get the
 *     role ARN pipekit would have created, which the local runtime ignores
 * @param sns null to skip topic subscriptions (plan and apply carry a note naming them)
 * @param tagging null where there is none; only {@code --copilot} (finding a Copilot queue by its tags) needs it
 */
public record AwsClients(
        PipesClient pipes,
        EventBridgeClient events,
        SqsClient sqs,
        IamClient iam,
        KinesisClient kinesis,
        DynamoDbClient dynamodb,
        SnsClient sns,
        ResourceGroupsTaggingApiClient tagging) implements AutoCloseable {

    /** The path on which pipekit's local stack answers which services it runs (and by which it is recognised). */
    public static final String LOCAL_HEALTH_PATH = "/_pipekit/health";

    /** Without the tagging client, which only finding a Copilot queue by its tags needs. */
    public AwsClients(PipesClient pipes, EventBridgeClient events, SqsClient sqs, IamClient iam, KinesisClient kinesis,
            DynamoDbClient dynamodb, SnsClient sns) {
        this(pipes, events, sqs, iam, kinesis, dynamodb, sns, null);
    }

    /** Clients configured entirely by the standard AWS environment and config files. */
    public static AwsClients fromEnvironment(boolean withIam) {
        return fromEnvironment(withIam, null);
    }

    /**
     * Like {@link #fromEnvironment(boolean)}, with one endpoint for every service when
     * {@code endpoint} is not null (like the AWS CLI's {@code --endpoint-url}).
     */
    public static AwsClients fromEnvironment(boolean withIam, java.net.URI endpoint) {
        // Pipes at a per-service URL with no global override = an emulator (LocalCloud): no IAM/SNS unless given too;
        // likewise one endpoint that answers as pipekit's local stack (`pipekit local`, docs/local-stack.md)
        java.net.URI global = endpoint != null ? endpoint : globalEndpoint();
        boolean emulatedPipes = (endpoint == null && overridden("PIPES", "Pipes") && !overridden(null, null))
                || (global != null && isPipekitLocal(global));
        boolean iam = withIam && !(emulatedPipes && !overridden("IAM", "Iam"));
        boolean sns = !(emulatedPipes && !overridden("SNS", "Sns"));
        return new AwsClients(
                with(PipesClient.builder(), endpoint).build(),
                with(EventBridgeClient.builder(), endpoint).build(),
                with(SqsClient.builder(), endpoint).build(),
                iam ? with(IamClient.builder().region(software.amazon.awssdk.regions.Region.AWS_GLOBAL), endpoint).build() : null,
                with(KinesisClient.builder(), endpoint).build(),
                with(DynamoDbClient.builder(), endpoint).build(),
                sns ? with(SnsClient.builder(), endpoint).build() : null,
                emulatedPipes ? null : with(ResourceGroupsTaggingApiClient.builder(), endpoint).build());
    }

    /**
     * Whether the SDK's standard resolution overrides this service's endpoint: variable
     * {@code AWS_ENDPOINT_URL_<SERVICE>} or system property {@code aws.endpointUrl<Service>};
     * with nulls, the global {@code AWS_ENDPOINT_URL} / {@code aws.endpointUrl}.
     */
    private static boolean overridden(String variableSuffix, String propertySuffix) {
        String variable = variableSuffix == null ? "AWS_ENDPOINT_URL" : "AWS_ENDPOINT_URL_" + variableSuffix;
        String property = propertySuffix == null ? "aws.endpointUrl" : "aws.endpointUrl" + propertySuffix;
        return notBlank(System.getProperty(property)) || notBlank(System.getenv(variable));
    }

    /** The endpoint every service goes to: {@code aws.endpointUrl} or {@code AWS_ENDPOINT_URL}, else null. */
    private static java.net.URI globalEndpoint() {
        String value = notBlank(System.getProperty("aws.endpointUrl")) ? System.getProperty("aws.endpointUrl") : System.getenv("AWS_ENDPOINT_URL");
        if (!notBlank(value)) {
            return null;
        }
        try {
            return java.net.URI.create(value.trim());
        } catch (IllegalArgumentException e) {
            return null; // the SDK reports a malformed endpoint itself
        }
    }

    /**
     * Whether {@code endpoint} is pipekit's local stack: it answers {@code GET} on {@link #LOCAL_HEALTH_PATH} with
     * its services. It has no IAM and no SNS, so roles and topic subscriptions are skipped there as
     * for per-service emulator endpoints; anything else (LocalStack, AWS) answers otherwise or not
     * at all within the short timeout, and keeps IAM.
     */
    static boolean isPipekitLocal(java.net.URI endpoint) {
        if (endpoint.getScheme() == null || !endpoint.getScheme().startsWith("http")) {
            return false;
        }
        try (java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder().connectTimeout(java.time.Duration.ofMillis(500)).build()) {
            java.net.http.HttpResponse<String> response = http.send(
                    java.net.http.HttpRequest.newBuilder(endpoint.resolve(LOCAL_HEALTH_PATH)).timeout(java.time.Duration.ofSeconds(1)).GET().build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 && response.body().contains("\"services\"");
        } catch (java.io.IOException | IllegalArgumentException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static boolean notBlank(String s) {
        return s != null && !s.isBlank();
    }

    private static <B extends software.amazon.awssdk.core.client.builder.SdkClientBuilder<B, ?>> B with(B builder, java.net.URI endpoint) {
        return endpoint == null ? builder : builder.endpointOverride(endpoint);
    }

    @Override
    public void close() {
        for (AutoCloseable c : new AutoCloseable[] {pipes, events, sqs, iam, kinesis, dynamodb, sns, tagging}) {
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
