package io.pipekit.pipes.provision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pipekit.pipes.spec.SpecLoader;
import io.pipekit.pipes.spec.SubscriptionSpec;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.pipes.PipesClient;
import software.amazon.awssdk.services.resourcegroupstaggingapi.ResourceGroupsTaggingApiClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * {@code apply --copilot} against moto_server (a real AWS protocol server, skipped where absent):
 * the queue is found by Copilot's tags although its name is CloudFormation's, and the queue policy
 * Copilot owns is left alone while the rule (outside Copilot's stack) is created.
 */
class CopilotQueueOnMotoTest {

    static Process moto;
    static URI endpoint;

    @BeforeAll
    static void startMoto() throws Exception {
        assumeTrue(onPath("moto_server"), "moto_server is not on the PATH (pip install 'moto[server]'); skipping the Copilot queue lookup test");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        moto = new ProcessBuilder("moto_server", "-H", "127.0.0.1", "-p", String.valueOf(port)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        endpoint = URI.create("http://127.0.0.1:" + port);
        HttpClient http = HttpClient.newHttpClient();
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() ->
                http.send(HttpRequest.newBuilder(endpoint.resolve("/moto-api/")).build(), HttpResponse.BodyHandlers.discarding()).statusCode() < 500);
    }

    @AfterAll
    static void stopMoto() {
        if (moto != null) {
            moto.destroy();
        }
    }

    @Test
    void applyFindsTheCopilotQueueByItsTagsAndLeavesItsPolicyToCopilot(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        try (AwsClients aws = clients()) {
            SqsClient sqs = aws.sqs();
            Map<String, String> tags = Map.of("copilot-application", "shop", "copilot-environment", "test", "copilot-service", "ingest-worker");
            String dlq = sqs.createQueue(b -> b.queueName("shop-test-ingest-worker-DeadLetterQueue-9XK").tags(tags)).queueUrl();
            String dlqArn = QueueReconciler.attributes(sqs, dlq).get("QueueArn");
            String queue = sqs.createQueue(b -> b.queueName("shop-test-ingest-worker-EventsQueue-4TQ").tags(tags)
                    .attributesWithStrings(Map.of("RedrivePolicy", "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\"5\"}",
                            "KmsMasterKeyId", "arn:aws:kms:eu-west-1:123456789012:key/0a1b2c3d-0000-1111-2222-333344445555"))).queueUrl();
            Path file = dir.resolve("subscriptions.yml");
            Files.writeString(file, """
                    version: 1
                    name: shop
                    queue: {name: not-what-copilot-calls-it, create: true, encryption: kms}
                    subscriptions:
                      rules:
                        - name: orders
                          pattern: {source: [shop.orders]}
                    """);
            SubscriptionSpec spec = SpecLoader.load(file);
            Provisioner p = new Provisioner(aws, new ProvisionOptions(Duration.ofSeconds(30), Duration.ofMillis(100))
                    .withCopilot(ProvisionOptions.CopilotService.parse("shop/test/ingest-worker")));

            Plan plan = p.plan(spec);
            Plan applied = p.apply(spec);

            assertThat(plan.changes()).extracting(Change::kind).containsExactly("rule");
            assertThat(plan.notes()).anySatisfy(n -> assertThat(n).contains("Copilot's", "cfn.patches.yml", "missing now: [PipekitShopRuleOrders]"));
            assertThat(applied.changes()).extracting(Change::kind).containsExactly("rule");
            assertThat(aws.events().listTargetsByRule(b -> b.rule("pipekit-shop-orders")).targets().getFirst().arn())
                    .isEqualTo(QueueReconciler.attributes(sqs, queue).get("QueueArn"));
            assertThat(QueueReconciler.attributes(sqs, queue)).doesNotContainKey("Policy");
        }
    }

    @Test
    void aSpecThatSaysKmsIsRefusedForAQueueWithoutACustomerKey(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        try (AwsClients aws = clients()) {
            aws.sqs().createQueue(b -> b.queueName("plain-sse-queue"));
            Path file = dir.resolve("subscriptions.yml");
            Files.writeString(file, """
                    version: 1
                    name: plainq
                    queue: {name: plain-sse-queue, encryption: kms}
                    subscriptions:
                      rules:
                        - {name: orders, pattern: {source: [shop.orders]}}
                    """);
            Provisioner p = new Provisioner(aws, ProvisionOptions.defaults());

            org.assertj.core.api.Assertions.assertThatThrownBy(() -> p.plan(SpecLoader.load(file)))
                    .hasMessageContaining("has no customer-managed key").hasMessageContaining("queue.encryption: kms");
        }
    }

    static AwsClients clients() {
        return new AwsClients(with(PipesClient.builder()).build(), with(EventBridgeClient.builder()).build(), with(SqsClient.builder()).build(),
                with(IamClient.builder()).region(Region.AWS_GLOBAL).build(), null, null, with(SnsClient.builder()).build(),
                with(ResourceGroupsTaggingApiClient.builder()).build());
    }

    static <B extends AwsClientBuilder<B, ?>> B with(B builder) {
        return builder.endpointOverride(endpoint).region(Region.EU_WEST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")));
    }

    static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        return path != null && java.util.Arrays.stream(path.split(java.io.File.pathSeparator)).anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
    }
}
