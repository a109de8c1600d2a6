package io.pipekit.pipes.provision;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipekit.local.LocalCloud;
import io.pipekit.local.LocalService;
import io.pipekit.pipes.provision.CliProvisioningTest.Run;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.pipes.PipesClient;

/**
 * `pipekit apply --endpoint-url` at the local stack's one endpoint, with no {@code --no-iam}: the
 * endpoint is recognised as pipekit's local stack, so the roles it has no IAM for are skipped with
 * a note and the rest is applied (docs/local-stack.md, "pipekit apply").
 */
class ApplyThroughOneEndpointTest {

    static LocalCloud cloud;

    @BeforeAll
    static void start() {
        cloud = LocalCloud.builder().withSqs().withDynamoDb().withPipes().withEventBridge().withEndpoint(0).start();
        System.setProperty("aws.region", "us-east-1");
        System.setProperty("aws.accessKeyId", "local");
        System.setProperty("aws.secretAccessKey", "local");
    }

    @AfterAll
    static void stop() {
        cloud.close();
        System.clearProperty("aws.region");
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
    }

    @Test
    void applyAtTheOneEndpointSkipsIamWithoutBeingTold(@TempDir Path dir) throws Exception {
        Path spec = dir.resolve("subscriptions.yml");
        Files.writeString(spec, """
                version: 1
                name: one
                queue: {name: one-work, create: true, deadLetterTries: 2}
                subscriptions:
                  dynamodb:
                    - name: payments
                      table: one-payments
                      startingPosition: TRIM_HORIZON
                  rules:
                    - name: created
                      pattern: {source: [shop]}
                """);
        String endpoint = cloud.endpoint().toString();
        try (DynamoDbClient dynamodb = DynamoDbClient.builder().endpointOverride(cloud.endpoint()).build()) {
            dynamodb.createTable(b -> b.tableName("one-payments").billingMode(BillingMode.PAY_PER_REQUEST)
                    .keySchema(k -> k.attributeName("id").keyType(KeyType.HASH))
                    .attributeDefinitions(a -> a.attributeName("id").attributeType(ScalarAttributeType.S))
                    .streamSpecification(st -> st.streamEnabled(true).streamViewType(StreamViewType.NEW_AND_OLD_IMAGES)));
        }

        Run apply = CliProvisioningTest.cli("apply", spec.toString(), "--endpoint-url", endpoint, "--wait", "30s");

        assertThat(apply.code()).as(apply.out()).isZero();
        assertThat(apply.out()).contains("IAM skipped", "Applied:");
        try (PipesClient pipes = PipesClient.builder().endpointOverride(cloud.endpoint()).build()) {
            assertThat(pipes.listPipes(b -> b.namePrefix("pipekit-one")).pipes()).extracting(p -> p.name())
                    .containsExactly("pipekit-one-payments");
        }
        try (EventBridgeClient events = EventBridgeClient.builder().endpointOverride(cloud.endpoint()).build()) {
            assertThat(events.listRules(b -> b.namePrefix("pipekit-one")).rules()).extracting(r -> r.name())
                    .containsExactly("pipekit-one-created");
        }
        assertThat(CliProvisioningTest.cli("destroy", spec.toString(), "--endpoint-url", endpoint).code()).isZero();
    }

    @Test
    void onlyTheLocalStackIsTakenForIt() throws Exception {
        assertThat(AwsClients.isPipekitLocal(cloud.endpoint())).isTrue();
        // a per-service port is an emulator but not the one endpoint: it does not answer the health path
        assertThat(AwsClients.isPipekitLocal(cloud.endpoint(LocalService.SQS))).isFalse();
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        assertThat(AwsClients.isPipekitLocal(URI.create("http://127.0.0.1:" + closed))).isFalse();
    }
}
