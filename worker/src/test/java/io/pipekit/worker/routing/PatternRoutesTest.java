package io.pipekit.worker.routing;

import static io.pipekit.worker.envelope.Fixtures.fixture;
import static org.assertj.core.api.Assertions.assertThat;

import io.pipekit.worker.envelope.Envelope;
import io.pipekit.worker.envelope.Fixtures;
import io.pipekit.worker.envelope.PipesKinesisRecord;
import io.pipekit.worker.envelope.RawMessage;
import io.pipekit.worker.envelope.SnsNotification;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * All pattern routes of a router share one Event Ruler machine; these pin down that sharing it
 * changes nothing a user can see: registration order, kinds, SNS unwrapping, fallback.
 */
class PatternRoutesTest {

    private final List<String> calls = new ArrayList<>();

    private <E extends Envelope> EnvelopeHandler<E> record(String route) {
        return envelope -> calls.add(route + ":" + envelope.kind() + ":" + envelope.messageId());
    }

    @Test
    void firstRegisteredMatchWinsAcrossPatternAndOtherRoutes() throws Exception {
        Router router = Router.builder()
                .onEventPattern("{\"source\":[{\"prefix\":\"com.acme\"}]}", record("acme-pattern"))
                .onEvent("aws.ec2", record("ec2-source"))
                .onEventPattern("{\"source\":[\"aws.ec2\"]}", record("ec2-pattern-shadowed"))
                .onEventPattern("{\"source\":[\"aws.s3\"]}", record("s3-pattern"))
                .onEventPattern("{\"detail-type\":[\"Object Created\"]}", record("created-shadowed"))
                .onEventPattern("{\"source\":[{\"prefix\":\"com.acme\"}]}", record("acme-duplicate-shadowed"))
                .build();
        router.handle(fixture("eventbridge-custom-replay.json"));
        router.handle(fixture("eventbridge-ec2.json"));
        router.handle(fixture("eventbridge-s3-object-created.json"));
        assertThat(calls).containsExactly(
                "acme-pattern:EVENTBRIDGE:msg-eventbridge-custom-replay.json",
                "ec2-source:EVENTBRIDGE:msg-eventbridge-ec2.json",
                "s3-pattern:EVENTBRIDGE:msg-eventbridge-s3-object-created.json");
    }

    @Test
    void aPatternOnlyTakesEnvelopesOfItsKind() throws Exception {
        String orderType = "{\"type\":[{\"prefix\":\"order.\"}]}";
        String orderData = "{\"data\":{\"type\":[{\"prefix\":\"order.\"}]}}";
        Router router = Router.builder()
                // each pattern registered first for the kind whose JSON it does not describe
                .onPattern(PipesKinesisRecord.class, orderType, record("kinesis-type"))
                .onPattern(RawMessage.class, orderData, record("raw-data"))
                .onPattern(RawMessage.class, orderType, record("raw-type"))
                .onPattern(PipesKinesisRecord.class, orderData, record("kinesis-data"))
                .build();
        router.handle(fixture("raw-json.json"));
        router.handle(fixture("pipes-kinesis-json.json"));
        assertThat(calls).containsExactly(
                "raw-type:RAW:msg-raw-json.json",
                "kinesis-data:PIPES_KINESIS:msg-pipes-kinesis-json.json");
    }

    @Test
    void snsOffersEachRouteTheNotificationThenItsInnerEnvelope() throws Exception {
        Router innerFirst = Router.builder()
                .onEventPattern("{\"source\":[\"aws.s3\"]}", record("inner-event"))
                .onPattern(SnsNotification.class, "{\"Type\":[\"Notification\"]}", record("notification"))
                .build();
        Router outerFirst = Router.builder()
                .onPattern(SnsNotification.class, "{\"Type\":[\"Notification\"]}", record("notification"))
                .onEventPattern("{\"source\":[\"aws.s3\"]}", record("inner-event"))
                .build();
        innerFirst.handle(fixture("sns-eventbridge.json"));
        outerFirst.handle(fixture("sns-eventbridge.json"));
        assertThat(calls).containsExactly(
                "inner-event:EVENTBRIDGE:msg-sns-eventbridge.json",
                "notification:SNS:msg-sns-eventbridge.json");
    }

    @Test
    void whatNoPatternMatchesGoesToTheFallback() throws Exception {
        Router router = Router.builder()
                .onEventPattern("{\"source\":[\"aws.ec2\"]}", record("ec2"))
                .onPattern(RawMessage.class, "{\"type\":[\"order.cancelled\"]}", record("cancelled"))
                .otherwise(record("fallback"))
                .build();
        router.handle(fixture("sns-eventbridge.json"));
        router.handle(fixture("raw-json.json"));
        router.handle(fixture("raw-text.txt"));
        assertThat(calls).containsExactly(
                "fallback:SNS:msg-sns-eventbridge.json",
                "fallback:RAW:msg-raw-json.json",
                "fallback:RAW:msg-raw-text.txt");
    }

    @Test
    void manyPatternRoutesEachTakeTheirOwnAndOrPatternsAreOneRoute() throws Exception {
        Router.Builder builder = Router.builder();
        for (int n = 0; n < 50; n++) {
            builder.onPattern(RawMessage.class, "{\"n\":[" + n + "]}", record("n" + n));
        }
        Router router = builder
                .onPattern(RawMessage.class, "{\"$or\":[{\"kind\":[\"a\"]},{\"kind\":[\"b\"]}]}", record("a-or-b"))
                .unmatched(UnmatchedPolicy.ACK_AND_LOG)
                .build();
        for (int n = 49; n >= 0; n -= 7) {
            router.handle(Fixtures.message("m" + n, "{\"n\":" + n + "}"));
        }
        router.handle(Fixtures.message("ma", "{\"kind\":\"a\"}"));
        router.handle(Fixtures.message("mb", "{\"kind\":\"b\"}"));
        router.handle(Fixtures.message("mc", "{\"kind\":\"c\"}"));
        assertThat(calls).containsExactly(
                "n49:RAW:m49", "n42:RAW:m42", "n35:RAW:m35", "n28:RAW:m28", "n21:RAW:m21", "n14:RAW:m14", "n7:RAW:m7",
                "n0:RAW:m0", "a-or-b:RAW:ma", "a-or-b:RAW:mb");
    }
}
