package io.pipekit.pipes.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pipekit.local.EmbeddedSqs;
import io.pipekit.local.LocalCloud;
import io.pipekit.local.LocalService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** DynamoDB-stream and SQS sources through the LocalCloud's own runtime (docs/aws-behaviour.md §1.2, §1.4). */
class DynamoDbAndSqsSourceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static LocalCloud cloud;
    private static DynamoDbClient ddb;
    private static SqsClient sqs;

    @BeforeAll
    static void startStack() {
        cloud = LocalCloud.builder().withDynamoDb().withPipes(PipesRuntime.Options.defaults()
                .withIdlePollInterval(Duration.ofMillis(50)).withBackoff(Duration.ofMillis(50), Duration.ofMillis(200))).start();
        ddb = cloud.dynamoDbClient();
        sqs = cloud.sqsClient();
    }

    @AfterAll
    static void stopStack() {
        ddb.close();
        sqs.close();
        cloud.close();
    }

    @Test
    void dynamoDbModifyToPaidArrivesInTheDocumentedShape() throws Exception {
        String streamArn = ddb.createTable(b -> b.tableName("orders")
                .attributeDefinitions(a -> a.attributeName("Id").attributeType(ScalarAttributeType.N))
                .keySchema(k -> k.attributeName("Id").keyType(KeyType.HASH))
                .billingMode("PAY_PER_REQUEST")
                .streamSpecification(s -> s.streamEnabled(true).streamViewType(StreamViewType.NEW_AND_OLD_IMAGES)))
                .tableDescription().latestStreamArn();
        String queue = cloud.sqs().createQueue("ddb-worker", Map.of());
        PipesRuntime pipes = cloud.pipes();
        pipes.create(PipeDefinition.builder("orders-paid").source(streamArn).target(EmbeddedSqs.queueArn("ddb-worker"))
                .sourceParameters("DynamoDBStreamParameters", "{\"StartingPosition\":\"TRIM_HORIZON\",\"BatchSize\":10}")
                .filter("{\"eventName\":[\"MODIFY\"],\"dynamodb\":{\"NewImage\":{\"status\":{\"S\":[\"PAID\"]}},"
                        + "\"OldImage\":{\"status\":{\"S\":[{\"anything-but\":\"PAID\"}]}}}}")
                .build());
        await().until(() -> pipes.describe("orders-paid").currentState() == PipeState.RUNNING);

        long beforeWrites = java.time.Instant.now().getEpochSecond();
        ddb.putItem(b -> b.tableName("orders").item(Map.of("Id", AttributeValue.fromN("101"), "status", AttributeValue.fromS("NEW"))));
        ddb.putItem(b -> b.tableName("orders").item(Map.of("Id", AttributeValue.fromN("101"), "status", AttributeValue.fromS("PAID"),
                "tags", AttributeValue.fromSs(List.of("a")))));
        ddb.putItem(b -> b.tableName("orders").item(Map.of("Id", AttributeValue.fromN("101"), "status", AttributeValue.fromS("PAID"))));
        ddb.deleteItem(b -> b.tableName("orders").key(Map.of("Id", AttributeValue.fromN("101"))));

        List<Message> received = Received.await(sqs, queue, 1);
        JsonNode body = JSON.readTree(received.getFirst().body());
        assertThat(fieldNames(body)).containsExactly("eventID", "eventVersion", "dynamodb", "awsRegion", "eventName", "eventSourceARN", "eventSource");
        assertThat(body.get("eventName").asText()).isEqualTo("MODIFY");
        assertThat(body.get("eventSource").asText()).isEqualTo("aws:dynamodb");
        // DynamoDB Local's own region "ddblocal" does not leak into the record: the runtime's region does
        assertThat(streamArn).contains(":ddblocal:");
        assertThat(body.get("eventSourceARN").asText()).isEqualTo(streamArn.replace(":ddblocal:", ":us-east-1:"));
        assertThat(body.get("awsRegion").asText()).isEqualTo("us-east-1");
        JsonNode dynamodb = body.get("dynamodb");
        assertThat(dynamodb.get("Keys")).isEqualTo(JSON.readTree("{\"Id\":{\"N\":\"101\"}}"));
        assertThat(dynamodb.get("NewImage").get("status")).isEqualTo(JSON.readTree("{\"S\":\"PAID\"}"));
        assertThat(dynamodb.get("NewImage").get("tags")).isEqualTo(JSON.readTree("{\"SS\":[\"a\"]}"));
        assertThat(dynamodb.get("OldImage").get("status")).isEqualTo(JSON.readTree("{\"S\":\"NEW\"}"));
        assertThat(dynamodb.get("StreamViewType").asText()).isEqualTo("NEW_AND_OLD_IMAGES");
        // a real time, not DynamoDB Local's minute-truncated one
        assertThat(dynamodb.get("ApproximateCreationDateTime").asLong()).isGreaterThanOrEqualTo(beforeWrites);
        assertThat(dynamodb.has("SequenceNumber")).isTrue();
        // INSERT, the PAID→PAID MODIFY and REMOVE were filtered out; the iterator moved past them
        await().untilAsserted(() -> assertThat(pipes.metrics("orders-paid").filtered()).isEqualTo(3));
        assertThat(sqs.receiveMessage(b -> b.queueUrl(queue).waitTimeSeconds(1)).messages()).isEmpty();
    }

    @Test
    void dynamoDbFailuresProduceTheDdbStreamBatchInfoDlqRecord() throws Exception {
        String streamArn = ddb.createTable(b -> b.tableName("payments")
                .attributeDefinitions(a -> a.attributeName("Id").attributeType(ScalarAttributeType.S))
                .keySchema(k -> k.attributeName("Id").keyType(KeyType.HASH))
                .billingMode("PAY_PER_REQUEST")
                .streamSpecification(s -> s.streamEnabled(true).streamViewType(StreamViewType.NEW_IMAGE)))
                .tableDescription().latestStreamArn();
        String target = cloud.sqs().createQueue("ddb-doomed", Map.of());
        String dlq = cloud.sqs().createQueue("ddb-dlq", Map.of());
        PipesRuntime pipes = cloud.pipes();
        pipes.create(PipeDefinition.builder("payments").source(streamArn).target(EmbeddedSqs.queueArn("ddb-doomed"))
                .sourceParameters("DynamoDBStreamParameters", "{\"StartingPosition\":\"LATEST\",\"BatchSize\":10,\"MaximumRetryAttempts\":0,"
                        + "\"DeadLetterConfig\":{\"Arn\":\"" + EmbeddedSqs.queueArn("ddb-dlq") + "\"}}").build());
        await().until(() -> pipes.describe("payments").currentState() == PipeState.RUNNING);
        sqs.deleteQueue(b -> b.queueUrl(target));
        ddb.putItem(b -> b.tableName("payments").item(Map.of("Id", AttributeValue.fromS("p-1"))));

        JsonNode record = JSON.readTree(Received.await(sqs, dlq, 1).getFirst().body());
        assertThat(record.get("requestContext").get("condition").asText()).isEqualTo("RetryAttemptsExhausted");
        assertThat(record.get("requestContext").get("approximateInvokeCount").asInt()).isEqualTo(1);
        JsonNode info = record.get("DDBStreamBatchInfo");
        assertThat(info.get("streamArn").asText()).isEqualTo(streamArn);
        assertThat(info.get("batchSize").asInt()).isEqualTo(1);
        assertThat(info.get("startSequenceNumber").asText()).isEqualTo(info.get("endSequenceNumber").asText());
        assertThat(record.toString()).doesNotContain("p-1");
    }

    @Test
    void sqsSourceDeletesNonMatchingMessagesAndForwardsMatchingOnes() throws Exception {
        String source = cloud.sqs().createQueue("sqs-source", Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "5"));
        String target = cloud.sqs().createQueue("sqs-target", Map.of());
        PipesRuntime pipes = cloud.pipes();
        pipes.create(PipeDefinition.builder("sqs-pipe").source(EmbeddedSqs.queueArn("sqs-source")).target(EmbeddedSqs.queueArn("sqs-target"))
                .sourceParameters("SqsQueueParameters", "{\"BatchSize\":10}")
                .filter("{\"body\":{\"kind\":[\"wanted\"]}}")
                .build());
        await().until(() -> pipes.describe("sqs-pipe").currentState() == PipeState.RUNNING);

        sqs.sendMessage(b -> b.queueUrl(source).messageBody("{\"kind\":\"other\"}"));
        sqs.sendMessage(b -> b.queueUrl(source).messageBody("plain text"));
        sqs.sendMessage(b -> b.queueUrl(source).messageBody("{\"kind\":\"wanted\",\"n\":1}")
                .messageAttributes(Map.of("trace", MessageAttributeValue.builder().dataType("String").stringValue("t-1").build())));

        JsonNode body = JSON.readTree(Received.await(sqs, target, 1).getFirst().body());
        assertThat(fieldNames(body)).containsExactly("messageId", "receiptHandle", "body", "attributes", "messageAttributes",
                "md5OfBody", "eventSource", "eventSourceARN", "awsRegion");
        assertThat(body.get("body").asText()).isEqualTo("{\"kind\":\"wanted\",\"n\":1}");
        assertThat(body.get("attributes").get("ApproximateReceiveCount").asText()).isEqualTo("1");
        assertThat(body.get("attributes").has("SentTimestamp")).isTrue();
        assertThat(body.get("messageAttributes").get("trace").get("stringValue").asText()).isEqualTo("t-1");
        assertThat(body.get("messageAttributes").get("trace").get("dataType").asText()).isEqualTo("String");
        assertThat(body.get("eventSource").asText()).isEqualTo("aws:sqs");
        assertThat(body.get("eventSourceARN").asText()).isEqualTo(EmbeddedSqs.queueArn("sqs-source"));
        // docs/aws-behaviour.md §1.4: non-matching messages are deleted, the delivered one too: the source is empty
        await().untilAsserted(() -> {
            Map<QueueAttributeName, String> attributes = sqs.getQueueAttributes(b -> b.queueUrl(source)
                    .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
            assertThat(attributes).containsEntry(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, "0")
                    .containsEntry(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE, "0");
        });
        assertThat(pipes.metrics("sqs-pipe").filtered()).isEqualTo(2);
        assertThat(cloud.services()).contains(LocalService.PIPES);
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
