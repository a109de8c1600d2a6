package io.pipekit.producers.internal.targets;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipekit.local.EmbeddedDynamoDb;
import io.pipekit.producers.KeySpace;
import io.pipekit.producers.Producer;
import io.pipekit.producers.RunSummary;
import io.pipekit.producers.SampleEvent;
import io.pipekit.producers.Scenario;
import io.pipekit.producers.Targets;
import io.pipekit.producers.TrafficPlan;
import io.pipekit.producers.internal.scenario.EventGenerator;
import io.pipekit.producers.testing.FaultInjectingProxy;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/** DynamoDB BatchWriteItem against DynamoDB Local (HTTP server mode). */
class DynamoDbTargetTest {

    private static EmbeddedDynamoDb db;
    private static DynamoDbClient ddb;

    @BeforeAll
    static void start() throws Exception {
        db = EmbeddedDynamoDb.start();
        ddb = db.newClient();
    }

    @AfterAll
    static void stop() throws Exception {
        ddb.close();
        db.close();
    }

    private static void createTable(String name) {
        ddb.createTable(b -> b.tableName(name)
                .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH))
                .attributeDefinitions(a -> a.attributeName("pk").attributeType(ScalarAttributeType.S))
                .billingMode("PAY_PER_REQUEST"));
    }

    private static List<Map<String, AttributeValue>> scan(String table) {
        return ddb.scanPaginator(b -> b.tableName(table).consistentRead(true)).items().stream().toList();
    }

    @Test
    void writesOneTypedItemPerEvent() {
        createTable("orders_events");
        TrafficPlan plan = TrafficPlan.of(Scenario.ORDERS).withCount(260).withRunId("d1");

        RunSummary s = Producer.run(plan, Targets.dynamoDb(ddb, "orders_events", "pk"));

        assertThat(s.sent()).isEqualTo(260);
        assertThat(s.calls()).as("<=25 puts per BatchWriteItem").isGreaterThanOrEqualTo(11);
        List<Map<String, AttributeValue>> items = scan("orders_events");
        assertThat(items).hasSize(260);
        assertThat(items).extracting(i -> Long.parseLong(i.get("seq").n()))
                .containsExactlyInAnyOrderElementsOf(LongStream.range(0, 260).boxed().toList());
        for (Map<String, AttributeValue> i : items) {
            assertThat(i.get("pk").s()).isEqualTo(i.get("eventId").s());
            assertThat(i.get("runId").s()).isEqualTo("d1");
            assertThat(i.get("type").s()).startsWith("order.");
            assertThat(i.get("data").m().get("orderId").s()).isEqualTo(i.get("subject").s());
            assertThat(i.get("data").m().get("items").l()).isNotEmpty();
            assertThat(Instant.parse(i.get("producedAt").s())).isBefore(Instant.now());
        }
    }

    @Test
    void subjectKeyedItemsEndInTheLastStateOfEachOrder() {
        createTable("orders_state");
        // few keys: consecutive states of one order often fall into one batch, which must be split
        TrafficPlan plan = TrafficPlan.of(Scenario.ORDERS).withCount(300).withKeys(KeySpace.uniform(5)).withConcurrency(1);

        RunSummary s = Producer.run(plan, Targets.dynamoDbBySubject(ddb, "orders_state", "pk"));

        assertThat(s.sent()).isEqualTo(300);
        assertThat(s.failed()).isZero();
        Map<String, String> expectedLastStatus = new HashMap<>();
        EventGenerator replay = new EventGenerator(plan);
        for (int i = 0; i < 300; i++) {
            SampleEvent e = replay.next(Instant.now());
            expectedLastStatus.put(e.subject(), e.data().get("status").asText());
        }
        Map<String, String> actual = new HashMap<>();
        scan("orders_state").forEach(i -> actual.put(i.get("pk").s(), i.get("data").m().get("status").s()));
        assertThat(actual).isEqualTo(expectedLastStatus);
    }

    @Test
    void unprocessedItemsAreRetriedUntilWritten() throws Exception {
        createTable("iot_unprocessed");
        try (FaultInjectingProxy proxy = new FaultInjectingProxy(db.endpoint(), 3);
                DynamoDbClient viaProxy = DynamoDbClient.builder().endpointOverride(proxy.endpoint()).region(Region.US_EAST_1)
                        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                        .build()) {
            TrafficPlan plan = TrafficPlan.of(Scenario.IOT).withCount(200);

            RunSummary s = Producer.run(plan, Targets.dynamoDb(viaProxy, "iot_unprocessed", "pk"));

            assertThat(proxy.injected()).isGreaterThan(20);
            assertThat(s.retried()).isEqualTo(proxy.injected());
            assertThat(s.sent()).isEqualTo(200);
            assertThat(s.failed()).isZero();
        }
        assertThat(scan("iot_unprocessed")).extracting(i -> Long.parseLong(i.get("seq").n()))
                .containsExactlyInAnyOrderElementsOf(LongStream.range(0, 200).boxed().toList());
    }
}
