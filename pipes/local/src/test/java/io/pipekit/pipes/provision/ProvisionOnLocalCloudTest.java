package io.pipekit.pipes.provision;

import io.pipekit.local.LocalAwsClients;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pipekit.local.KinesisBackend;
import io.pipekit.local.LocalCloud;
import io.pipekit.local.LocalService;
import io.pipekit.pipes.runtime.PipesRuntime;
import io.pipekit.pipes.spec.SpecLoader;
import io.pipekit.pipes.spec.SubscriptionSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;
import software.amazon.awssdk.services.pipes.PipesClient;
import software.amazon.awssdk.services.pipes.model.NotFoundException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * The provisioning side and the local stack together: the demo's local spec applied with the
 * {@link Provisioner} (and the CLI) against a running {@link LocalCloud}, records and events
 * arriving in the worker queue through what apply made, a no-op second apply, and a destroy that
 * leaves nothing of the spec behind.
 */
class ProvisionOnLocalCloudTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ACCOUNT = "000000000000";

    static LocalCloud cloud;
    static KinesisClient kinesis;
    static DynamoDbClient dynamodb;
    static SqsClient sqs;
    static PipesClient pipes;
    static EventBridgeClient events;

    @BeforeAll
    static void start() {
        cloud = LocalCloud.builder().withSqs().withDynamoDb().withKinesis(KinesisBackend.KINESALITE)
                .withPipes(PipesRuntime.Options.defaults().withIdlePollInterval(Duration.ofMillis(50))
                        .withBackoff(Duration.ofMillis(50), Duration.ofMillis(200)))
                .withEventBridge().start();
        kinesis = cloud.kinesisClient();
        dynamodb = cloud.dynamoDbClient();
        sqs = cloud.sqsClient();
        pipes = cloud.pipesClient();
        events = cloud.eventBridgeClient();
        // what the spec expects to exist already: the sources
        kinesis.createStream(b -> b.streamName("orders").shardCount(1));
        dynamodb.createTable(b -> b.tableName("payments")
                .attributeDefinitions(a -> a.attributeName("Id").attributeType(ScalarAttributeType.S))
                .keySchema(k -> k.attributeName("Id").keyType(KeyType.HASH))
                .billingMode("PAY_PER_REQUEST")
                .streamSpecification(s -> s.streamEnabled(true).streamViewType(StreamViewType.NEW_AND_OLD_IMAGES)));
        await().atMost(Duration.ofSeconds(30)).until(() ->
                kinesis.describeStreamSummary(b -> b.streamName("orders")).streamDescriptionSummary().streamStatus() == StreamStatus.ACTIVE);
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {kinesis, dynamodb, sqs, pipes, events, cloud}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    static SubscriptionSpec demoSpec(String file) throws Exception {
        return SpecLoader.load(Path.of(ProvisionOnLocalCloudTest.class.getResource("/io/pipekit/pipes/demo/" + file).toURI()));
    }

    static Provisioner provisioner(AwsClients aws) {
        return new Provisioner(aws, new ProvisionOptions(Duration.ofSeconds(30), Duration.ofMillis(50)));
    }

    @Test
    void demoSpecAppliesDeliversReappliesAndDestroys() throws Exception {
        SubscriptionSpec spec = demoSpec("local-subscriptions.yml");
        try (AwsClients aws = LocalAwsClients.of(cloud)) {
            Provisioner provisioner = provisioner(aws);

            Plan plan = provisioner.plan(spec);
            assertThat(plan.describe()).contains("+ queue demo-worker", "+ pipe pipekit-local-orders", "+ pipe pipekit-local-payments",
                    "+ rule pipekit-local-order-created", "IAM skipped");
            Plan applied = provisioner.apply(spec);
            assertThat(applied.changes()).extracting(Change::name)
                    .contains("demo-worker", "pipekit-local-orders", "pipekit-local-payments", "pipekit-local-order-created");

            for (String pipe : List.of("pipekit-local-orders", "pipekit-local-payments")) {
                var described = pipes.describePipe(b -> b.name(pipe));
                assertThat(described.currentStateAsString()).isEqualTo("RUNNING");
                assertThat(described.tags()).containsEntry("pipekit:spec", "local");
            }
            var rule = events.describeRule(b -> b.name("pipekit-local-order-created"));
            assertThat(rule.stateAsString()).isEqualTo("ENABLED");
            assertThat(events.listTagsForResource(b -> b.resourceARN(rule.arn())).tags())
                    .anySatisfy(t -> assertThat(t.key() + "=" + t.value()).isEqualTo("pipekit:spec=local"));
            assertThat(events.listTargetsByRule(b -> b.rule("pipekit-local-order-created")).targets()).singleElement()
                    .satisfies(t -> assertThat(t.arn()).endsWith(":demo-worker"));

            String queueUrl = sqs.getQueueUrl(b -> b.queueName("demo-worker")).queueUrl();
            String id = UUID.randomUUID().toString();
            // same shard: the refund is processed before the order, so once the order arrived the refund was filtered
            kinesis.putRecord(b -> b.streamName("orders").partitionKey("p-" + id)
                    .data(SdkBytes.fromUtf8String("{\"type\":\"refund.created\",\"id\":\"" + id + "\"}")));
            kinesis.putRecord(b -> b.streamName("orders").partitionKey("p-" + id)
                    .data(SdkBytes.fromUtf8String("{\"type\":\"order.created\",\"id\":\"" + id + "\"}")));
            dynamodb.putItem(b -> b.tableName("payments").item(Map.of("Id", AttributeValue.fromS(id), "Amount", AttributeValue.fromN("12"))));
            events.putEvents(b -> b.entries(e -> e.source("pipekit.producers").detailType("OrderCreated")
                    .detail("{\"id\":\"" + id + "\",\"amount\":42}")));
            events.putEvents(b -> b.entries(e -> e.source("pipekit.producers").detailType("OrderCreated")
                    .detail("{\"id\":\"" + id + "-free\",\"amount\":0}")));

            List<JsonNode> bodies = awaitBodies(queueUrl, List.of(
                    m -> m.path("pipe").asText().equals("pipekit-local-orders") && m.path("data").path("id").asText().equals(id),
                    m -> m.path("eventSource").asText().equals("aws:dynamodb") && m.path("dynamodb").path("NewImage").path("Id").path("S").asText().equals(id),
                    m -> m.path("detail-type").asText().equals("OrderCreated") && m.path("detail").path("id").asText().equals(id)));

            JsonNode order = find(bodies, m -> m.path("pipe").asText().equals("pipekit-local-orders"));
            // the spec's inputTemplate, with the reserved variables and $.paths of docs/aws-behaviour.md §1.6
            assertThat(order.path("kit").asText()).isEqualTo("pipes/1");
            assertThat(order.path("source").asText()).isEqualTo("arn:aws:kinesis:us-east-1:" + ACCOUNT + ":stream/orders");
            assertThat(order.path("partitionKey").asText()).isEqualTo("p-" + id);
            assertThat(order.path("eventId").asText()).startsWith("shardId-").contains(":" + order.path("sequenceNumber").asText());
            assertThat(order.path("data").path("type").asText()).isEqualTo("order.created");
            // no template: the §1.2 DynamoDB stream record
            JsonNode payment = find(bodies, m -> m.path("eventSource").asText().equals("aws:dynamodb"));
            assertThat(payment.path("eventName").asText()).isEqualTo("INSERT");
            assertThat(payment.path("dynamodb").path("NewImage").path("Amount").path("N").asText()).isEqualTo("12");
            assertThat(payment.path("eventSourceARN").asText()).contains(":table/payments/stream/");
            // no input transformer: the §2.1 envelope
            JsonNode event = find(bodies, m -> m.has("detail-type"));
            assertThat(event.path("source").asText()).isEqualTo("pipekit.producers");
            assertThat(event.path("account").asText()).isEqualTo(ACCOUNT);
            assertThat(event.path("region").asText()).isEqualTo("us-east-1");
            assertThat(event.path("detail").path("amount").asInt()).isEqualTo(42);
            // filtered: the refund record and the zero-amount event never reached the queue
            assertThat(bodies).noneMatch(m -> m.path("data").path("type").asText().equals("refund.created"))
                    .noneMatch(m -> m.path("detail").path("id").asText().equals(id + "-free"));

            Plan second = provisioner.apply(spec);
            assertThat(second.hasChanges()).as(second.describe()).isFalse();
            assertThat(second.unchanged()).isGreaterThanOrEqualTo(4);

            Plan destroyPlan = provisioner.planDestroy(spec);
            Plan destroyed = provisioner.destroy(spec);
            assertThat(destroyed.changes()).isEqualTo(destroyPlan.changes());
            assertThat(destroyed.changes()).filteredOn(c -> c.action() == Change.Action.DELETE).extracting(Change::name)
                    .contains("demo-worker", "pipekit-local-orders", "pipekit-local-payments", "pipekit-local-order-created");
            assertNothingLeft("local", "demo-worker");
            assertThat(provisioner.planDestroy(spec).hasChanges()).isFalse();
        }
    }

    @Test
    void fifoVariantKeepsGroupsAndIsIdempotent() throws Exception {
        SubscriptionSpec spec = demoSpec("local-subscriptions-fifo.yml");
        try (AwsClients aws = LocalAwsClients.of(cloud)) {
            Provisioner provisioner = provisioner(aws);
            provisioner.apply(spec);
            assertThat(pipes.describePipe(b -> b.name("pipekit-local-fifo-orders")).currentStateAsString()).isEqualTo("RUNNING");
            String queueUrl = sqs.getQueueUrl(b -> b.queueName("demo-worker.fifo")).queueUrl();

            String id = UUID.randomUUID().toString();
            kinesis.putRecord(b -> b.streamName("orders").partitionKey("fifo-" + id)
                    .data(SdkBytes.fromUtf8String("{\"type\":\"order.created\",\"id\":\"" + id + "\"}")));
            events.putEvents(b -> b.entries(e -> e.source("pipekit.producers").detailType("OrderCreated").detail("{\"id\":\"" + id + "\"}")));

            // no template: the §1.2 Kinesis record, data base64-encoded
            Predicate<JsonNode> isRecord = m -> m.path("partitionKey").asText().equals("fifo-" + id)
                    && new String(java.util.Base64.getDecoder().decode(m.path("data").asText()), java.nio.charset.StandardCharsets.UTF_8).contains(id);
            List<Message> messages = awaitMessages(queueUrl, List.of(
                    isRecord,
                    m -> m.path("detail").path("id").asText().equals(id)));
            Map<String, String> groups = new java.util.HashMap<>();
            for (Message m : messages) {
                JsonNode body = JSON.readTree(m.body());
                String group = m.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID);
                if (isRecord.test(body)) {
                    groups.put("pipe", group);
                } else if (body.path("detail").path("id").asText().equals(id)) {
                    groups.put("rule", group);
                }
            }
            // pipe: $.partitionKey of the record; rule: the static group of the spec
            assertThat(groups).containsEntry("pipe", "fifo-" + id).containsEntry("rule", "orders");

            assertThat(provisioner.plan(spec).hasChanges()).isFalse();
            provisioner.destroy(spec);
            assertNothingLeft("local-fifo", "demo-worker.fifo");
        }
    }

    @Test
    void cliAppliesWithPerServiceEndpointsAndImpliesNoIam() throws Exception {
        Path spec = Path.of(ProvisionOnLocalCloudTest.class.getResource("/io/pipekit/pipes/demo/local-subscriptions.yml").toURI());
        // the SDK reads aws.endpointUrl<Service> like AWS_ENDPOINT_URL_<SERVICE>; LocalCloud.environment() gives the latter
        Map<String, String> properties = new java.util.LinkedHashMap<>();
        properties.put("aws.region", "us-east-1");
        properties.put("aws.accessKeyId", "local");
        properties.put("aws.secretAccessKey", "local");
        properties.put("aws.endpointUrlSqs", cloud.endpoint(LocalService.SQS).toString());
        properties.put("aws.endpointUrlPipes", cloud.endpoint(LocalService.PIPES).toString());
        properties.put("aws.endpointUrlEventBridge", cloud.endpoint(LocalService.EVENTBRIDGE).toString());
        properties.put("aws.endpointUrlKinesis", cloud.endpoint(LocalService.KINESIS).toString());
        properties.put("aws.endpointUrlDynamoDb", cloud.endpoint(LocalService.DYNAMODB).toString());
        properties.forEach(System::setProperty);
        try {
            // no --no-iam and no IAM endpoint: Pipes overridden per service means an emulator, so IAM is skipped
            CliProvisioningTest.Run plan = CliProvisioningTest.cli("plan", spec.toString());
            CliProvisioningTest.Run apply = CliProvisioningTest.cli("apply", spec.toString(), "--wait", "30s");
            CliProvisioningTest.Run again = CliProvisioningTest.cli("plan", spec.toString());
            CliProvisioningTest.Run destroy = CliProvisioningTest.cli("destroy", spec.toString());

            assertThat(plan.code()).as(plan.out()).isEqualTo(2);
            assertThat(plan.out()).contains("+ pipe pipekit-local-orders", "+ rule pipekit-local-order-created", "note: IAM skipped")
                    .doesNotContain("+ role");
            assertThat(apply.code()).as(apply.out()).isZero();
            assertThat(again.code()).as(again.out()).isZero();
            assertThat(again.out()).contains("No changes");
            assertThat(destroy.code()).as(destroy.out()).isZero();
            assertNothingLeft("local", "demo-worker");
        } finally {
            properties.keySet().forEach(System::clearProperty);
        }
    }

    @Test
    void topicSubscriptionsAreReportedNotAppliedWithoutSns() {
        SubscriptionSpec spec = SpecLoader.parse("""
                version: 1
                name: local-sns
                queue: {name: local-sns-worker, create: true}
                subscriptions:
                  sns:
                    - name: billing
                      topicArn: arn:aws:sns:us-east-1:000000000000:billing
                """, "sns.yml");
        try (AwsClients aws = LocalAwsClients.of(cloud)) {
            Provisioner provisioner = provisioner(aws);
            Plan applied = provisioner.apply(spec);
            assertThat(applied.notes()).anySatisfy(n -> assertThat(n)
                    .contains("NOT applied", "arn:aws:sns:us-east-1:000000000000:billing"));
            assertThat(applied.changes()).noneMatch(c -> c.kind().equals("topic-subscription"));
            assertThat(provisioner.plan(spec).hasChanges()).isFalse();
            provisioner.destroy(spec);
            assertNothingLeft("local-sns", "local-sns-worker");
        }
    }

    /** No pipe, rule or queue of this spec remains (other specs' resources with a similar prefix may). */
    private static void assertNothingLeft(String specName, String workerQueue) {
        String prefix = "pipekit-" + specName + "-";
        assertThat(pipes.listPipes(b -> b.namePrefix(prefix)).pipes())
                .allSatisfy(p -> assertThat(pipes.describePipe(b -> b.name(p.name())).tags()).doesNotContainEntry("pipekit:spec", specName));
        assertThat(events.listRules(b -> b.namePrefix(prefix)).rules())
                .allSatisfy(r -> assertThat(r.name()).doesNotStartWith(prefix + "order"));
        assertThatThrownBy(() -> events.describeRule(b -> b.name(prefix + "order-created"))).isInstanceOf(ResourceNotFoundException.class);
        assertThatThrownBy(() -> pipes.describePipe(b -> b.name(prefix + "orders"))).isInstanceOf(NotFoundException.class);
        assertThat(sqs.listQueues(b -> b.queueNamePrefix(prefix)).queueUrls())
                .allSatisfy(url -> assertThat(url).doesNotContain(prefix + "orders").doesNotContain(prefix + "order-created"));
        assertThat(sqs.listQueues(b -> b.queueNamePrefix(workerQueue)).queueUrls()).noneMatch(url -> url.endsWith("/" + workerQueue));
    }

    private static List<JsonNode> awaitBodies(String queueUrl, List<Predicate<JsonNode>> wanted) {
        List<JsonNode> out = new ArrayList<>();
        for (Message m : awaitMessages(queueUrl, wanted)) {
            out.add(parse(m.body()));
        }
        return out;
    }

    /** Receives (and deletes) until every predicate matched one body; returns everything received. */
    private static List<Message> awaitMessages(String queueUrl, List<Predicate<JsonNode>> wanted) {
        List<Message> received = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
            for (Message m : sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1)
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages()) {
                received.add(m);
                sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
            }
            return wanted.stream().allMatch(p -> received.stream().map(m -> parse(m.body())).anyMatch(p));
        });
        return received;
    }

    private static JsonNode find(List<JsonNode> bodies, Predicate<JsonNode> p) {
        return bodies.stream().filter(p).findFirst().orElseThrow();
    }

    private static JsonNode parse(String body) {
        try {
            return JSON.readTree(body);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("not JSON: " + body, e);
        }
    }
}
