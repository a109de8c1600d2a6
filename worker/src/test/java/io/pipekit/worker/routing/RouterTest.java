package io.pipekit.worker.routing;

import static io.pipekit.worker.envelope.Fixtures.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pipekit.worker.QueueMessage;
import io.pipekit.worker.envelope.DecodeFailure;
import io.pipekit.worker.envelope.Envelope;
import io.pipekit.worker.envelope.EnvelopeDecodeException;
import io.pipekit.worker.envelope.EventBridgeEvent;
import io.pipekit.worker.envelope.Fixtures;
import io.pipekit.worker.envelope.KitEnvelope;
import io.pipekit.worker.envelope.PipesDynamoDbRecord;
import io.pipekit.worker.envelope.PipesKinesisRecord;
import io.pipekit.worker.envelope.PipesSqsRecord;
import io.pipekit.worker.envelope.RawMessage;
import io.pipekit.worker.envelope.S3Notification;
import io.pipekit.worker.envelope.S3TestEvent;
import io.pipekit.worker.envelope.SnsNotification;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RouterTest {

    /** What each route received: "route-name:envelope-kind:message-id". */
    private final List<String> calls = new ArrayList<>();

    private <E extends Envelope> EnvelopeHandler<E> record(String route) {
        return envelope -> calls.add(route + ":" + envelope.kind() + ":" + envelope.messageId());
    }

    @Test
    void routesByKind() throws Exception {
        Router router = Router.builder()
                .on(PipesKinesisRecord.class, record("kinesis"))
                .on(PipesDynamoDbRecord.class, record("ddb"))
                .on(PipesSqsRecord.class, record("sqs"))
                .on(EventBridgeEvent.class, record("events"))
                .on(S3Notification.class, record("s3"))
                .on(KitEnvelope.class, record("kit"))
                .on(RawMessage.class, record("raw"))
                .build();
        for (String name : List.of("pipes-kinesis-json.json", "pipes-dynamodb-insert.json", "pipes-sqs-fifo.json",
                "eventbridge-ec2.json", "s3-put.json", "kit-kinesis.json", "raw-text.txt")) {
            router.handle(fixture(name));
        }
        assertThat(calls).containsExactly(
                "kinesis:PIPES_KINESIS:msg-pipes-kinesis-json.json",
                "ddb:PIPES_DYNAMODB:msg-pipes-dynamodb-insert.json",
                "sqs:PIPES_SQS:msg-pipes-sqs-fifo.json",
                "events:EVENTBRIDGE:msg-eventbridge-ec2.json",
                "s3:S3:msg-s3-put.json",
                "kit:KIT:msg-kit-kinesis.json",
                "raw:RAW:msg-raw-text.txt");
    }

    @Test
    void routesBySource() throws Exception {
        Router router = Router.builder()
                .onKinesisStream("orders", record("orders-stream"))
                .onKinesisStream("arn:aws:kinesis:us-east-2:123456789012:stream/my-stream", record("my-stream-by-arn"))
                .onDynamoDbTable("arn:aws:dynamodb:us-east-1:111122223333:table/EventSourceTable", record("table-by-arn"))
                .onSqsQueue("orders.fifo", record("fifo-queue"))
                .onTopic("arn:aws:sns:us-east-2:111122223333:ExampleTopic1", record("topic"))
                .onEvent("aws.ec2", "EC2 Instance State-change Notification", record("ec2"))
                .onEvent("com.acme.orders", record("acme"))
                .onPipe("orders-to-worker", record("pipe"))
                .build();
        for (String name : List.of("pipes-kinesis-json.json", "pipes-kinesis-text.json", "pipes-dynamodb-modify.json",
                "pipes-sqs-fifo.json", "sns-standard.json", "eventbridge-ec2.json", "eventbridge-custom-replay.json",
                "kit-kinesis.json")) {
            router.handle(fixture(name));
        }
        assertThat(calls).containsExactly(
                "orders-stream:PIPES_KINESIS:msg-pipes-kinesis-json.json",
                "my-stream-by-arn:PIPES_KINESIS:msg-pipes-kinesis-text.json",
                "table-by-arn:PIPES_DYNAMODB:msg-pipes-dynamodb-modify.json",
                "fifo-queue:PIPES_SQS:msg-pipes-sqs-fifo.json",
                "topic:SNS:msg-sns-standard.json",
                "ec2:EVENTBRIDGE:msg-eventbridge-ec2.json",
                "acme:EVENTBRIDGE:msg-eventbridge-custom-replay.json",
                "pipe:KIT:msg-kit-kinesis.json");
    }

    @Test
    void tableMatchesByNameAndSourceMismatchFallsThrough() throws Exception {
        Router router = Router.builder()
                .onKinesisStream("payments", record("payments"))
                .onDynamoDbTable("EventSourceTable", record("table"))
                .onEvent("aws.ec2", "Some Other Type", record("wrong-type"))
                .otherwise(record("fallback"))
                .build();
        router.handle(fixture("pipes-dynamodb-ttl-delete.json"));
        router.handle(fixture("pipes-kinesis-json.json"));
        router.handle(fixture("eventbridge-ec2.json"));
        assertThat(calls).containsExactly(
                "table:PIPES_DYNAMODB:msg-pipes-dynamodb-ttl-delete.json",
                "fallback:PIPES_KINESIS:msg-pipes-kinesis-json.json",
                "fallback:EVENTBRIDGE:msg-eventbridge-ec2.json");
    }

    @Test
    void firstRegisteredMatchWins() throws Exception {
        Router router = Router.builder()
                .onEvent("aws.ec2", record("specific"))
                .on(EventBridgeEvent.class, record("any-event"))
                .build();
        router.handle(fixture("eventbridge-ec2.json"));
        router.handle(fixture("eventbridge-custom-replay.json"));
        assertThat(calls).containsExactly(
                "specific:EVENTBRIDGE:msg-eventbridge-ec2.json",
                "any-event:EVENTBRIDGE:msg-eventbridge-custom-replay.json");
    }

    @Test
    void routesByEventPatternWithEventRuler() throws Exception {
        Router router = Router.builder()
                .onEventPattern("{\"source\":[\"com.acme.orders\"],\"detail\":{\"total\":[{\"numeric\":[\">\",100]}]}}", record("big-orders"))
                .onEventPattern("{\"source\":[{\"prefix\":\"com.acme\"}],\"detail\":{\"items\":{\"sku\":[\"A-1\"]}}}", record("sku-a1"))
                .onEventPattern("{\"detail-type\":[{\"equals-ignore-case\":\"object created\"}],\"detail\":{\"object\":{\"key\":[{\"suffix\":\".jpg\"}]}}}", record("jpg"))
                .build();
        router.handle(fixture("eventbridge-custom-replay.json")); // total 19.99: not big; items[].sku A-1
        router.handle(fixture("eventbridge-s3-object-created.json"));
        router.handle(fixture("sns-eventbridge.json")); // the same S3 event, through SNS
        assertThat(calls).containsExactly(
                "sku-a1:EVENTBRIDGE:msg-eventbridge-custom-replay.json",
                "jpg:EVENTBRIDGE:msg-eventbridge-s3-object-created.json",
                "jpg:EVENTBRIDGE:msg-sns-eventbridge.json");
        assertThatThrownBy(() -> router.handle(fixture("eventbridge-ec2.json")))
                .isInstanceOf(UnroutableMessageException.class)
                .hasMessageContaining("msg-eventbridge-ec2.json")
                .hasMessageContaining("source=aws.ec2");
    }

    @Test
    void pipeRecordPatternsSeeParsedDataAsPipeFiltersDo() throws Exception {
        // docs/aws-behaviour.md §1.4/§7.1: the filter {"data":{"type":[{"prefix":"order."}]}} matches the base64 data's JSON
        Router router = Router.builder()
                .onPattern(PipesKinesisRecord.class, "{\"data\":{\"type\":[{\"prefix\":\"order.\"}]}}", record("orders"))
                .onPattern(PipesSqsRecord.class, "{\"body\":{\"orderId\":[\"42\"]},\"attributes\":{\"MessageGroupId\":[\"customer-7\"]}}", record("fifo-42"))
                .onPattern(PipesDynamoDbRecord.class, "{\"eventName\":[\"REMOVE\"],\"userIdentity\":{\"type\":[\"Service\"]}}", record("ttl"))
                .unmatched(UnmatchedPolicy.ACK_AND_LOG)
                .build();
        router.handle(fixture("pipes-kinesis-json.json"));
        router.handle(fixture("pipes-kinesis-text.json")); // not JSON: no match, acknowledged
        router.handle(fixture("pipes-sqs-fifo.json"));
        router.handle(fixture("pipes-dynamodb-remove.json")); // a user delete: no match
        router.handle(fixture("pipes-dynamodb-ttl-delete.json"));
        assertThat(calls).containsExactly(
                "orders:PIPES_KINESIS:msg-pipes-kinesis-json.json",
                "fifo-42:PIPES_SQS:msg-pipes-sqs-fifo.json",
                "ttl:PIPES_DYNAMODB:msg-pipes-dynamodb-ttl-delete.json");
    }

    @Test
    void rawJsonBodiesCanBeRoutedByPattern() throws Exception {
        Router router = Router.builder()
                .onPattern(RawMessage.class, "{\"type\":[{\"prefix\":\"order.\"}]}", record("orders"))
                .unmatched(UnmatchedPolicy.ACK_AND_LOG)
                .build();
        router.handle(fixture("raw-json.json"));
        router.handle(Fixtures.message("m-array", "[{\"type\":\"order.created\"}]"));
        router.handle(fixture("raw-text.txt"));
        assertThat(calls).containsExactly("orders:RAW:msg-raw-json.json");
    }

    @Test
    void invalidPatternIsRejectedAtBuildTime() {
        assertThatThrownBy(() -> Router.builder().onEventPattern("{\"source\":\"not-an-array\"}", record("x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid event pattern");
        assertThatThrownBy(() -> Router.builder().onEventPattern("{not json", record("x")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void unmatchedFailsByDefaultNamingTheMessage() {
        Router router = Router.builder().on(PipesKinesisRecord.class, record("kinesis")).build();
        assertThatThrownBy(() -> router.handle(fixture("s3-put.json")))
                .isInstanceOf(UnroutableMessageException.class)
                .hasMessage("message msg-s3-put.json: no route for S3 records=1 bucket=amzn-s3-demo-bucket event=ObjectCreated:Put");
        assertThat(calls).isEmpty();
    }

    @Test
    void unmatchedAckAndLogReturnsNormally() {
        Router router = Router.builder()
                .on(PipesKinesisRecord.class, record("kinesis"))
                .unmatched(UnmatchedPolicy.ACK_AND_LOG)
                .build();
        assertThatCode(() -> router.handle(fixture("raw-text.txt"))).doesNotThrowAnyException();
        assertThat(calls).isEmpty();
    }

    @Test
    void decodeFailureThrowsWithMessageIdAndReasonAndReachesNoHandler() {
        Router router = Router.forAll(record("all"));
        QueueMessage bad = Fixtures.message("m-bad", "{\"kit\":\"pipes/9\",\"data\":{}}");
        assertThatThrownBy(() -> router.handle(bad))
                .isInstanceOf(EnvelopeDecodeException.class)
                .hasMessage("message m-bad: cannot decode KIT envelope: unsupported kit envelope version pipes/9 (this worker reads pipes/1)");
        assertThat(calls).isEmpty();
    }

    @Test
    void snsWrappingMalformedEnvelopeFailsUnlessTheTopicRouteTakesIt() throws Exception {
        String inner = "{\"version\":\"0\",\"id\":\"1\",\"detail-type\":5,\"source\":\"x\",\"detail\":{}}";
        String body = "{\"Type\":\"Notification\",\"TopicArn\":\"arn:aws:sns:eu-west-1:1:t\",\"Message\":"
                + "\"" + inner.replace("\"", "\\\"") + "\"}";
        QueueMessage message = Fixtures.message("m-sns", body);
        assertThatThrownBy(() -> Router.forAll(record("all")).handle(message))
                .isInstanceOf(EnvelopeDecodeException.class)
                .hasMessageContaining("m-sns").hasMessageContaining("event.detail-type is not a string");
        Router.builder().onTopic("t", record("topic")).build().handle(message);
        assertThat(calls).containsExactly("topic:SNS:m-sns");
    }

    @Test
    void s3TestEventsAreAcknowledgedWithoutCallingHandlers() {
        Router router = Router.builder()
                .on(S3Notification.class, record("s3"))
                .onTopic("uploads", record("topic"))
                .otherwise(record("fallback"))
                .build();
        assertThatCode(() -> router.handle(fixture("s3-test-event.json"))).doesNotThrowAnyException();
        assertThatCode(() -> router.handle(fixture("sns-s3-test-event.json"))).doesNotThrowAnyException();
        assertThat(calls).isEmpty();
    }

    @Test
    void snsRoutesSeeTheNotificationThenItsInnerEnvelope() throws Exception {
        Router router = Router.builder()
                .onTopic("uploads", record("uploads-topic"))
                .on(S3Notification.class, record("s3"))
                .onEvent("aws.s3", "Object Created", record("s3-created"))
                .build();
        router.handle(fixture("sns-s3.json"));        // topic route registered first: takes the notification
        router.handle(fixture("sns-eventbridge.json")); // topic "events" has no route: the inner event is routed
        assertThat(calls).containsExactly(
                "uploads-topic:SNS:msg-sns-s3.json",
                "s3-created:EVENTBRIDGE:msg-sns-eventbridge.json");
    }

    @Test
    void fallbackReceivesTheOuterEnvelope() throws Exception {
        List<Envelope> seen = new ArrayList<>();
        Router.forAll(seen::add).handle(fixture("sns-eventbridge.json"));
        assertThat(seen).singleElement().isInstanceOfSatisfying(SnsNotification.class,
                sns -> assertThat(sns.inner()).isInstanceOf(EventBridgeEvent.class));
    }

    @Test
    void oneHandlerWithPatternMatchingSwitch() throws Exception {
        List<String> seen = new ArrayList<>();
        Router router = Router.forAll(envelope -> seen.add(switch (envelope) {
            case PipesKinesisRecord k -> "kinesis " + k.data().json().get("id").asText();
            case PipesDynamoDbRecord d when d.isTtlDelete() -> "expired " + d.keys().get("Id");
            case PipesDynamoDbRecord d -> d.eventName() + " " + d.keys().get("Id");
            case PipesSqsRecord s -> "sqs " + s.body().text();
            case EventBridgeEvent e -> "event " + e.source();
            case SnsNotification n -> switch (n.inner()) {
                case EventBridgeEvent e -> "sns event " + e.s3ObjectKey();
                default -> "sns " + n.message().text();
            };
            case S3Notification s3 -> "s3 " + s3.keys();
            case KitEnvelope kit -> "kit " + kit.pipe();
            case RawMessage raw -> "raw " + raw.body().text();
            case S3TestEvent t -> throw new AssertionError("never routed");
            case DecodeFailure f -> throw new AssertionError("never routed");
        }));
        for (String name : List.of("pipes-kinesis-json.json", "pipes-dynamodb-ttl-delete.json", "pipes-dynamodb-insert.json",
                "pipes-sqs-standard.json", "eventbridge-ec2.json", "sns-eventbridge.json", "sns-standard.json",
                "s3-encoded-keys.json", "kit-kinesis.json", "raw-text.txt", "s3-test-event.json")) {
            router.handle(fixture(name));
        }
        assertThat(seen).containsExactly("kinesis 42", "expired 102", "INSERT 101", "sqs Test message.",
                "event aws.ec2", "sns event photos/red flower.jpg", "sns This is a test message.",
                "s3 [reports/2026 Q3/a+b été.csv, tmp/old file.txt]", "kit orders-to-worker", "raw order 42 shipped");
    }

    @Test
    void handlerFailurePropagatesSoTheMessageIsRetried() {
        IllegalStateException boom = new IllegalStateException("downstream down");
        Router router = Router.builder().on(PipesKinesisRecord.class, r -> { throw boom; }).build();
        assertThatThrownBy(() -> router.handle(fixture("pipes-kinesis-json.json"))).isSameAs(boom);
    }

    @Test
    void failuresAndTestEventsCannotBeRouted() {
        assertThatThrownBy(() -> Router.builder().on(DecodeFailure.class, record("x")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Router.builder().on(S3TestEvent.class, record("x")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
