package io.pipekit.it.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipekit.testkit.LocalPipekit;
import io.pipekit.testkit.PipekitTest;
import io.pipekit.testkit.RunningWorker;
import io.pipekit.testkit.Subscriptions;
import io.pipekit.worker.envelope.EventBridgeEvent;
import io.pipekit.worker.envelope.PipesDynamoDbRecord;
import io.pipekit.worker.routing.Router;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

/**
 * The user's path through the test kit (pipes/testkit): a table's stream and an EventBridge rule,
 * declared in a subscriptions spec, applied to the embedded stack, into a typed-envelope router in a
 * real worker; a message the router cannot handle ends in the dead-letter queue.
 */
@PipekitTest
class TestKitEndToEndTest {

    private static final String TABLE = "e2e-testkit-payments";

    @Test
    void aSpecsPipeAndRuleReachTheHandlerAndAPoisonMessageIsDeadLettered(LocalPipekit pipekit, DynamoDbClient dynamo, EventBridgeClient events) {
        dynamo.createTable(b -> b.tableName(TABLE)
                .attributeDefinitions(a -> a.attributeName("id").attributeType(ScalarAttributeType.S))
                .keySchema(k -> k.attributeName("id").keyType(KeyType.HASH))
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .streamSpecification(s -> s.streamEnabled(true).streamViewType(StreamViewType.NEW_AND_OLD_IMAGES)));
        Subscriptions subscriptions = pipekit.apply("e2e/testkit-subscriptions.yml");

        List<String> payments = new CopyOnWriteArrayList<>();
        List<String> refunds = new CopyOnWriteArrayList<>();
        RunningWorker worker = pipekit.runWorker(subscriptions.queue(), Router.builder()
                .onDynamoDbTable(TABLE, (PipesDynamoDbRecord r) -> payments.add(String.valueOf(r.newImage().orElseThrow().get("id"))))
                .onEvent("e2e.refunds", (EventBridgeEvent e) -> refunds.add(e.detail().json().path("paymentId").asText()))
                .build());

        for (int i = 1; i <= 5; i++) {
            String id = "p-" + i;
            dynamo.putItem(b -> b.tableName(TABLE).item(Map.of("id", AttributeValue.fromS(id), "amount", AttributeValue.fromN("10"))));
        }
        // a MODIFY: the pipe's filter lets INSERTs through only
        dynamo.putItem(b -> b.tableName(TABLE).item(Map.of("id", AttributeValue.fromS("p-1"), "amount", AttributeValue.fromN("20"))));
        events.putEvents(b -> b.entries(e -> e.source("e2e.refunds").detailType("Refund").detail("{\"paymentId\":\"p-2\"}")));
        subscriptions.queue().send("not an event the router knows");

        worker.awaitProcessed(6);
        assertThat(worker.awaitDeadLettered(1)).containsExactly("not an event the router knows");
        assertThat(payments).containsExactlyInAnyOrder("p-1", "p-2", "p-3", "p-4", "p-5");
        assertThat(refunds).containsExactly("p-2");
        assertThat(worker.failures()).hasSize(2); // deadLetterTries: 2
        worker.awaitDrained();
        assertThat(worker.processed()).hasSize(6);
    }
}
