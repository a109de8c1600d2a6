package io.pipekit.worker.envelope;

import static io.pipekit.worker.envelope.Fixtures.body;
import static io.pipekit.worker.envelope.Fixtures.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Base64;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Malformed, hostile and extreme bodies: never an exception, always Raw or a DecodeFailure with a reason. */
class MalformedBodyTest {

    private final EnvelopeDecoder decoder = new EnvelopeDecoder();

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "{", "{\"a\":1} trailing", "[1,2]", "\"just a string\"", "42", "null",
            "{\"Type\":\"Notification\"}", "{\"Records\":[]}", "{\"eventSource\":\"aws:kinesis\"}",
            "{\"version\":\"0\",\"source\":\"x\"}", "{\"kit\":3}", "\u0000\u0001\ud800garbage", "{\"a\":\"\ud800\"}"})
    void notAnEnvelopeIsRaw(String body) {
        Envelope envelope = decoder.decode(message(body));
        assertThat(envelope).isInstanceOfSatisfying(RawMessage.class, raw -> assertThat(raw.body().text()).isEqualTo(body));
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("kinesis data not base64", EnvelopeKind.PIPES_KINESIS,
                        edit("pipes-kinesis-text.json", o -> o.put("data", "not base64!")), "record.data is not base64"),
                Arguments.of("kinesis data not a string", EnvelopeKind.PIPES_KINESIS,
                        edit("pipes-kinesis-text.json", o -> o.put("data", 12)), "record.data is not a string"),
                Arguments.of("kinesis sequence number missing", EnvelopeKind.PIPES_KINESIS,
                        edit("pipes-kinesis-text.json", o -> o.remove("sequenceNumber")), "record.sequenceNumber is missing"),
                Arguments.of("kinesis timestamp not a number", EnvelopeKind.PIPES_KINESIS,
                        edit("pipes-kinesis-text.json", o -> o.put("approximateArrivalTimestamp", "yesterday")), "not a number"),
                Arguments.of("dynamodb not an object", EnvelopeKind.PIPES_DYNAMODB,
                        edit("pipes-dynamodb-insert.json", o -> o.put("dynamodb", "x")), "record.dynamodb is not a JSON object"),
                Arguments.of("dynamodb keys missing", EnvelopeKind.PIPES_DYNAMODB,
                        edit("pipes-dynamodb-insert.json", o -> ((ObjectNode) o.get("dynamodb")).remove("Keys")), "record.dynamodb.Keys is missing"),
                Arguments.of("dynamodb eventName missing", EnvelopeKind.PIPES_DYNAMODB,
                        edit("pipes-dynamodb-insert.json", o -> o.remove("eventName")), "record.eventName is missing"),
                Arguments.of("sqs body not a string", EnvelopeKind.PIPES_SQS,
                        edit("pipes-sqs-standard.json", o -> o.putObject("body")), "record.body is not a string"),
                Arguments.of("sqs binary attribute not base64", EnvelopeKind.PIPES_SQS,
                        edit("pipes-sqs-fifo.json", o -> ((ObjectNode) o.get("messageAttributes").get("sig")).put("binaryValue", "%%")),
                        "binaryValue is not base64"),
                Arguments.of("eventbridge detail-type not a string", EnvelopeKind.EVENTBRIDGE,
                        edit("eventbridge-ec2.json", o -> o.put("detail-type", 7)), "event.detail-type is not a string"),
                Arguments.of("eventbridge resources not an array", EnvelopeKind.EVENTBRIDGE,
                        edit("eventbridge-ec2.json", o -> o.put("resources", "arn")), "event.resources is not an array"),
                Arguments.of("sns message not a string", EnvelopeKind.SNS,
                        edit("sns-standard.json", o -> o.putObject("Message")), "notification.Message is not a string"),
                Arguments.of("sns binary attribute not base64", EnvelopeKind.SNS,
                        edit("sns-standard.json", o -> ((ObjectNode) o.get("MessageAttributes").get("blob")).put("Value", "***")),
                        "Value is not base64"),
                Arguments.of("s3 mixed records", EnvelopeKind.S3,
                        edit("s3-encoded-keys.json", o -> ((ObjectNode) o.get("Records").get(1)).put("eventSource", "aws:sqs")), "mixed Records"),
                Arguments.of("s3 key with a bad escape", EnvelopeKind.S3,
                        edit("s3-put.json", o -> ((ObjectNode) o.get("Records").get(0).get("s3").get("object")).put("key", "a%zz")),
                        "not URL-encoded"),
                Arguments.of("s3 key missing", EnvelopeKind.S3,
                        edit("s3-put.json", o -> ((ObjectNode) o.get("Records").get(0).get("s3").get("object")).remove("key")),
                        "key is missing"),
                Arguments.of("kit from a newer template", EnvelopeKind.KIT,
                        edit("kit-kinesis.json", o -> o.put("kit", "pipes/2")), "unsupported kit envelope version pipes/2"),
                Arguments.of("kit raw not base64", EnvelopeKind.KIT,
                        edit("kit-kinesis-raw.json", o -> o.put("raw", "@@@@")), "kit envelope.raw is not base64"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void claimedKindWithWrongShapeIsDecodeFailure(String name, EnvelopeKind claimed, String body, String reason) {
        Envelope envelope = decoder.decode(message("m-1", body));
        assertThat(envelope).isInstanceOfSatisfying(DecodeFailure.class, failure -> {
            assertThat(failure.kind()).isEqualTo(EnvelopeKind.DECODE_FAILURE);
            assertThat(failure.claimedKind()).isEqualTo(claimed);
            assertThat(failure.reason()).contains(reason);
            assertThat(failure.toException()).hasMessageContaining("message m-1").hasMessageContaining(reason);
        });
    }

    @Test
    void nullBodyIsDecodeFailure() {
        Envelope envelope = decoder.decode(message("m-2", null));
        assertThat(envelope).isInstanceOfSatisfying(DecodeFailure.class,
                f -> assertThat(f.toException()).hasMessage("message m-2: cannot decode body: message has no body"));
    }

    @Test
    void nestingBeyondJacksonLimitsIsRawNotStackOverflow() {
        String deep = "{\"a\":".repeat(5_000) + "1" + "}".repeat(5_000);
        assertThat(decoder.decode(message(deep))).isInstanceOf(RawMessage.class);
    }

    @Test
    void oneMebibyteKinesisRecordDecodes() {
        byte[] data = new byte[786_000]; // base64 inflates to ~1 MiB of body, the SQS maximum (docs/aws-behaviour.md §1.7)
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31);
        }
        String body = edit("pipes-kinesis-text.json", o -> o.put("data", Base64.getEncoder().encodeToString(data)));
        assertThat(body.length()).isBetween(1_000_000, 1_048_576);
        Envelope envelope = decoder.decode(message(body));
        assertThat(envelope).isInstanceOfSatisfying(PipesKinesisRecord.class, r -> {
            assertThat(r.data().bytes()).isEqualTo(data);
            assertThat(r.data().isJson()).isFalse();
        });
    }

    @Test
    void malformedAttributeValueSurfacesLazilyAsPayloadException() {
        String body = edit("pipes-dynamodb-insert.json",
                o -> ((ObjectNode) o.get("dynamodb").get("NewImage")).putObject("Bad").put("X", "1"));
        PipesDynamoDbRecord r = (PipesDynamoDbRecord) decoder.decode(message(body));
        assertThat(r.keys()).containsKey("Id");
        assertThatThrownBy(r::newImage).isInstanceOf(PayloadException.class).hasMessageContaining("dynamodb.NewImage.Bad");
        assertThatThrownBy(r::toStreamRecord).isInstanceOf(PayloadException.class);
    }

    @Test
    void unparseableTimesAreLenient() {
        EventBridgeEvent e = (EventBridgeEvent) decoder.decode(message(edit("eventbridge-ec2.json", o -> o.put("time", "soon"))));
        assertThat(e.time()).isNull();
        assertThat(e.toScheduledEvent().getTime()).isNull();
    }

    @Test
    void snsNestingIsBounded() {
        String inner = body("eventbridge-ec2.json");
        for (int level = 0; level < EnvelopeDecoder.MAX_NESTING + 2; level++) {
            String message = inner;
            inner = edit("sns-standard.json", o -> o.put("Message", message));
        }
        Envelope envelope = decoder.decode(message(inner));
        int depth = 0;
        while (envelope instanceof SnsNotification sns) {
            envelope = sns.inner();
            depth++;
        }
        assertThat(depth).isEqualTo(EnvelopeDecoder.MAX_NESTING);
        assertThat(envelope).isInstanceOf(RawMessage.class);
    }

    @Test
    void payloadOfNonJsonTextRefusesBinding() {
        RawMessage raw = (RawMessage) decoder.decode(message("plain"));
        assertThatThrownBy(() -> raw.body().as(String[].class)).isInstanceOf(PayloadException.class);
        RawMessage json = (RawMessage) decoder.decode(message("{\"id\":\"x\"}"));
        assertThatThrownBy(() -> json.body().as(Integer.class))
                .isInstanceOf(PayloadException.class).hasMessageContaining("does not bind to java.lang.Integer");
    }

    static String edit(String fixture, Consumer<ObjectNode> change) {
        try {
            ObjectNode node = (ObjectNode) Jackson.MAPPER.readTree(body(fixture));
            change.accept(node);
            return Jackson.MAPPER.writeValueAsString(node);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
