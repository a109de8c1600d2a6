package io.pipekit.pipes.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pipekit.local.EmbeddedSqs;
import io.pipekit.local.LocalCloud;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.EventBridgeException;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.ResourceNotFoundException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** The SDK's EventBridgeClient against the local bus, delivering to ElasticMQ (docs/aws-behaviour.md §2). */
class EventBusTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static LocalCloud cloud;
    private static EventBridgeClient events;
    private static SqsClient sqs;

    @BeforeAll
    static void startStack() {
        cloud = LocalCloud.builder().withEventBridge().start();
        events = cloud.eventBridgeClient();
        sqs = cloud.sqsClient();
    }

    @AfterAll
    static void stopStack() {
        events.close();
        sqs.close();
        cloud.close();
    }

    @Test
    void matchingEventsReachTheQueueAsTheFullEnvelopeOrTransformed() throws Exception {
        String busArn = events.createEventBus(b -> b.name("orders-bus")).eventBusArn();
        assertThat(busArn).isEqualTo("arn:aws:events:us-east-1:000000000000:event-bus/orders-bus");
        String full = cloud.sqs().createQueue("eb-full", Map.of());
        String constant = cloud.sqs().createQueue("eb-input", Map.of());
        String path = cloud.sqs().createQueue("eb-path", Map.of());
        String transformed = cloud.sqs().createQueue("eb-transformer", Map.of());
        String ruleArn = events.putRule(b -> b.name("big-orders").eventBusName("orders-bus")
                .eventPattern("{\"source\":[\"shop\"],\"detail-type\":[\"OrderPlaced\"],\"detail\":{\"total\":[{\"numeric\":[\">\",100]}]}}")).ruleArn();
        assertThat(ruleArn).isEqualTo("arn:aws:events:us-east-1:000000000000:rule/orders-bus/big-orders");
        events.putTargets(b -> b.rule("big-orders").eventBusName("orders-bus").targets(
                t -> t.id("full").arn(EmbeddedSqs.queueArn("eb-full")),
                t -> t.id("input").arn(EmbeddedSqs.queueArn("eb-input")).input("{\"constant\":true}"),
                t -> t.id("path").arn(EmbeddedSqs.queueArn("eb-path")).inputPath("$.detail"),
                t -> t.id("transformer").arn(EmbeddedSqs.queueArn("eb-transformer")).inputTransformer(x -> x
                        .inputPathsMap(Map.of("id", "$.detail.id", "total", "$.detail.total", "src", "$.source"))
                        .inputTemplate("{\"order\":<id>,\"total\":<total>,\"text\":\"order <id> from <src>\",\"rule\":<aws.events.rule-name>}"))));

        PutEventsResponse response = events.putEvents(b -> b.entries(
                entry("orders-bus", "{\"id\":\"o-1\",\"total\":250}"),
                entry("orders-bus", "{\"id\":\"o-2\",\"total\":50}"),
                PutEventsRequestEntry.builder().eventBusName(busArn).source("shop").detailType("OrderPlaced").detail("not json").build()));
        assertThat(response.failedEntryCount()).isEqualTo(1);
        assertThat(response.entries().get(0).eventId()).isNotBlank();
        assertThat(response.entries().get(1).eventId()).isNotBlank();
        assertThat(response.entries().get(2).errorCode()).isEqualTo("MalformedDetail");

        JsonNode event = JSON.readTree(receiveOne(full).body());
        // docs/aws-behaviour.md §2.1 envelope
        assertThat(fieldNames(event)).containsExactly("version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail");
        assertThat(event.get("version").asText()).isEqualTo("0");
        assertThat(event.get("id").asText()).isEqualTo(response.entries().get(0).eventId());
        assertThat(event.get("time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        assertThat(event.get("account").asText()).isEqualTo("000000000000");
        assertThat(event.get("region").asText()).isEqualTo("us-east-1");
        assertThat(event.get("detail")).isEqualTo(JSON.readTree("{\"id\":\"o-1\",\"total\":250}"));

        assertThat(receiveOne(constant).body()).isEqualTo("{\"constant\":true}");
        assertThat(JSON.readTree(receiveOne(path).body())).isEqualTo(JSON.readTree("{\"id\":\"o-1\",\"total\":250}"));
        assertThat(JSON.readTree(receiveOne(transformed).body()))
                .isEqualTo(JSON.readTree("{\"order\":\"o-1\",\"total\":250,\"text\":\"order o-1 from shop\",\"rule\":\"big-orders\"}"));
        // the 50-total event matched nothing
        assertThat(sqs.receiveMessage(b -> b.queueUrl(full).waitTimeSeconds(1)).messages()).isEmpty();

        assertThat(events.listRules(b -> b.eventBusName("orders-bus")).rules()).extracting(r -> r.name()).containsExactly("big-orders");
        assertThat(events.describeRule(b -> b.name("big-orders").eventBusName("orders-bus")).state().toString()).isEqualTo("ENABLED");
        assertThat(events.listTargetsByRule(b -> b.rule("big-orders").eventBusName("orders-bus")).targets()).extracting(t -> t.id())
                .containsExactly("full", "input", "path", "transformer");
        assertThatThrownBy(() -> events.deleteRule(b -> b.name("big-orders").eventBusName("orders-bus")))
                .isInstanceOf(EventBridgeException.class).hasMessageContaining("has targets");
        events.removeTargets(b -> b.rule("big-orders").eventBusName("orders-bus").ids("full", "input", "path", "transformer"));
        events.deleteRule(b -> b.name("big-orders").eventBusName("orders-bus"));
        assertThat(events.listRules(b -> b.eventBusName("orders-bus")).rules()).isEmpty();
    }

    @Test
    void rulesAndBusesCarryTags() {
        String arn = events.putRule(b -> b.name("tagged").eventPattern("{\"source\":[\"shop\"]}")
                .tags(t -> t.key("pipekit:spec").value("demo"))).ruleArn();
        assertThat(tagsOf(arn)).containsExactly(Map.entry("pipekit:spec", "demo"));
        // PutRule on an existing rule replaces the rule but not its tags (tags are set when the rule is created)
        events.putRule(b -> b.name("tagged").eventPattern("{\"source\":[\"shop2\"]}").tags(t -> t.key("other").value("x")));
        assertThat(tagsOf(arn)).containsExactly(Map.entry("pipekit:spec", "demo"));
        events.tagResource(b -> b.resourceARN(arn).tags(t -> t.key("team").value("kit")));
        events.untagResource(b -> b.resourceARN(arn).tagKeys("pipekit:spec"));
        assertThat(tagsOf(arn)).containsExactly(Map.entry("team", "kit"));

        String busArn = events.createEventBus(b -> b.name("tagged-bus").tags(t -> t.key("k").value("v"))).eventBusArn();
        assertThat(tagsOf(busArn)).containsExactly(Map.entry("k", "v"));
        assertThat(events.listEventBuses(b -> b.limit(100)).eventBuses()).extracting(bus -> bus.name()).contains("default", "tagged-bus");

        events.deleteRule(b -> b.name("tagged"));
        events.deleteEventBus(b -> b.name("tagged-bus"));
        assertThatThrownBy(() -> tagsOf(arn)).isInstanceOf(ResourceNotFoundException.class);
        assertThatThrownBy(() -> tagsOf(busArn)).isInstanceOf(ResourceNotFoundException.class);
    }

    private static Map<String, String> tagsOf(String arn) {
        Map<String, String> tags = new java.util.LinkedHashMap<>();
        events.listTagsForResource(b -> b.resourceARN(arn)).tags().forEach(t -> tags.put(t.key(), t.value()));
        return tags;
    }

    @Test
    void putEventsTakesOneToTenEntriesWithinTheSizeLimit() {
        List<PutEventsRequestEntry> eleven = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            eleven.add(entry("default", "{\"n\":" + i + "}"));
        }
        assertThatThrownBy(() -> events.putEvents(b -> b.entries(eleven))).isInstanceOf(EventBridgeException.class)
                .hasMessageContaining("less than or equal to 10");
        String big = "{\"blob\":\"" + "x".repeat(LocalEventBus.DEFAULT_MAX_REQUEST_BYTES) + "\"}";
        assertThatThrownBy(() -> events.putEvents(b -> b.entries(entry("default", big)))).isInstanceOf(EventBridgeException.class)
                .hasMessageContaining("over the limit");
        PutEventsResponse missingBus = events.putEvents(b -> b.entries(entry("no-such-bus", "{}")));
        assertThat(missingBus.failedEntryCount()).isEqualTo(1);
        assertThat(missingBus.entries().getFirst().errorCode()).isEqualTo("ResourceNotFoundException");
        assertThatThrownBy(() -> events.putRule(b -> b.name("r").eventBusName("no-such-bus").eventPattern("{\"source\":[\"x\"]}")))
                .isInstanceOf(ResourceNotFoundException.class);
    }

    @Test
    void fifoTargetsNeedAMessageGroupId() {
        String queue = cloud.sqs().createQueue("eb-orders.fifo", Map.of(QueueAttributeName.FIFO_QUEUE, "true",
                QueueAttributeName.CONTENT_BASED_DEDUPLICATION, "true"));
        events.putRule(b -> b.name("fifo-rule").eventPattern("{\"source\":[\"fifo-shop\"]}"));
        assertThatThrownBy(() -> events.putTargets(b -> b.rule("fifo-rule").targets(t -> t.id("q").arn(EmbeddedSqs.queueArn("eb-orders.fifo")))))
                .isInstanceOf(EventBridgeException.class).hasMessageContaining("SqsParameters");
        events.putTargets(b -> b.rule("fifo-rule").targets(t -> t.id("q").arn(EmbeddedSqs.queueArn("eb-orders.fifo"))
                .sqsParameters(s -> s.messageGroupId("orders"))));
        events.putEvents(b -> b.entries(PutEventsRequestEntry.builder().source("fifo-shop").detailType("T").detail("{\"n\":1}").build()));

        Message message = receiveOne(queue);
        assertThat(message.attributes()).containsEntry(MessageSystemAttributeName.MESSAGE_GROUP_ID, "orders");
    }

    @Test
    void failedDeliveriesAreRetriedThenSentToTheTargetDlq() {
        String dlq = cloud.sqs().createQueue("eb-dlq", Map.of());
        events.putRule(b -> b.name("doomed").eventPattern("{\"source\":[\"doomed-shop\"]}"));
        events.putTargets(b -> b.rule("doomed").targets(t -> t.id("gone").arn(EmbeddedSqs.queueArn("eb-no-such-queue"))
                .retryPolicy(r -> r.maximumRetryAttempts(1).maximumEventAgeInSeconds(60))
                .deadLetterConfig(d -> d.arn(EmbeddedSqs.queueArn("eb-dlq")))));
        events.putEvents(b -> b.entries(PutEventsRequestEntry.builder().source("doomed-shop").detailType("T").detail("{\"n\":7}").build()));

        List<Message> received = new ArrayList<>();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> {
            received.addAll(sqs.receiveMessage(b -> b.queueUrl(dlq).waitTimeSeconds(1).messageAttributeNames("All")).messages());
            return !received.isEmpty();
        });
        Message dead = received.getFirst();
        assertThat(dead.body()).contains("\"source\":\"doomed-shop\"").contains("\"detail\":{\"n\":7}");
        assertThat(dead.messageAttributes().get("RULE_ARN").stringValue()).isEqualTo("arn:aws:events:us-east-1:000000000000:rule/doomed");
        assertThat(dead.messageAttributes().get("TARGET_ARN").stringValue()).isEqualTo(EmbeddedSqs.queueArn("eb-no-such-queue"));
        assertThat(dead.messageAttributes()).containsKeys("ERROR_CODE", "ERROR_MESSAGE");
    }

    @Test
    void inputTransformerRendersAsAwsDoesEvenWhereThatBreaksTheJson() throws Exception {
        String queue = cloud.sqs().createQueue("eb-render", Map.of());
        events.putRule(b -> b.name("render").eventPattern("{\"source\":[\"render-shop\"]}"));
        // docs/aws-behaviour.md §2.4: minified; an object inside quotes loses its quotes; text is not escaped; a missing path renders nothing
        events.putTargets(b -> b.rule("render").targets(t -> t.id("q").arn(EmbeddedSqs.queueArn("eb-render")).inputTransformer(x -> x
                .inputPathsMap(Map.of("d", "$.detail", "q", "$.detail.q", "none", "$.detail.none"))
                .inputTemplate("{\n  \"asText\": \"<d>\",\n  \"quote\": \"<q>\",\n  \"none\": \"[<none>]\"\n}"))));
        events.putEvents(b -> b.entries(PutEventsRequestEntry.builder().source("render-shop").detailType("T").detail("{\"q\":\"ok\"}").build()));
        assertThat(receiveOne(queue).body()).isEqualTo("{\"asText\":\"{q:ok}\",\"quote\":\"ok\",\"none\":\"[]\"}");

        events.putEvents(b -> b.entries(PutEventsRequestEntry.builder().source("render-shop").detailType("T").detail("{\"q\":\"say \\\"hi\\\"\"}").build()));
        assertThat(receiveOne(queue).body()).as("not valid JSON, as on AWS").contains("\"quote\": \"say \"hi\"\"");
    }

    @Test
    void testEventPatternMatchesAsTheRulesDo() {
        String event = "{\"id\":\"1\",\"account\":\"000000000000\",\"source\":\"shop\",\"time\":\"2026-12-02T00:00:00Z\","
                + "\"region\":\"us-east-1\",\"resources\":[],\"detail-type\":\"OrderPlaced\",\"detail\":{\"total\":250}}";
        assertThat(events.testEventPattern(b -> b.event(event).eventPattern("{\"detail\":{\"total\":[{\"numeric\":[\">\",100]}]}}")).result()).isTrue();
        assertThat(events.testEventPattern(b -> b.event(event).eventPattern("{\"source\":[\"other\"]}")).result()).isFalse();
        assertThatThrownBy(() -> events.testEventPattern(b -> b.event(event).eventPattern("{\"source\":\"not-a-list\"}")))
                .isInstanceOf(EventBridgeException.class).hasMessageContaining("Event pattern is not valid");
        assertThatThrownBy(() -> events.testEventPattern(b -> b.event("{\"source\":\"shop\"}").eventPattern("{\"source\":[\"shop\"]}")))
                .isInstanceOf(EventBridgeException.class).hasMessageContaining("must have field");
    }

    private static PutEventsRequestEntry entry(String bus, String detail) {
        return PutEventsRequestEntry.builder().eventBusName(bus).source("shop").detailType("OrderPlaced").detail(detail).build();
    }

    private static Message receiveOne(String queueUrl) {
        List<Message> received = new ArrayList<>();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> {
            received.addAll(sqs.receiveMessage(b -> b.queueUrl(queueUrl).waitTimeSeconds(1)
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages());
            return !received.isEmpty();
        });
        received.forEach(m -> sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle())));
        return received.getFirst();
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
