package io.pipekit.worker.envelope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** {@link TreeReader} must build exactly the tree {@code ObjectMapper.readTree} builds, node types included. */
class TreeReaderTest {

    static Stream<String> fixtures() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("src/test/resources/envelopes"))) {
            return files.filter(f -> f.toString().endsWith(".json")).sorted().map(TreeReaderTest::read).toList().stream();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void buildsTheTreeReadTreeBuildsForEveryFixture(String body) throws Exception {
        assertSameTree(body);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{}", "[]", "{\"a\":{}}", "[[],[[]],{}]", "\"text\"", "42", "-0", "true", "null",
            "{\"int\":2147483647,\"long\":2147483648,\"big\":123456789012345678901234567890,\"neg\":-9223372036854775809}",
            "{\"d\":1.5,\"e\":1e400,\"f\":-1.0E-5,\"g\":0.1000000000000000055511151231257827,\"h\":1754000000.123}",
            "{\"dup\":1,\"dup\":{\"x\":[1,2]},\"after\":true}",
            "{\"u\":\"\\u20ac \\ud83d\\ude00 \\n\\t\\\"\",\"€\":\"ü\"}",
            "  \n {\"ws\" : [ 1 , { \"in\" : null } ] }  \n",
            "[{\"a\":[{\"b\":[{\"c\":[1]}]}]},2,\"three\",[4.0]]",
            // what FastTreeReader reads itself, and the edges where it leaves the document to Jackson
            "{\"e\":\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00e9\\u00E9\\uD800x\\u0000\",\"k\\n\":\"\\\"\"}",
            "{\"n\":[0,-0,9,-9,10,2147483647,-2147483648,2147483648,-2147483649,999999999999999999,-999999999999999999]}",
            "{\"n\":[1000000000000000000,-1000000000000000000,9223372036854775807,9223372036854775808,0.5,-0.0,1.25,123.456e1,1E2]}",
            "{\"n\":[3.14159265358979323846264338327950288419716939937510,1545084650.987,0.000001,-12345678901234567.5]}",
            "{\"\":\"\",\"a\":[],\"b\":{},\"c\":[{}],\"t\":[true,false,null]}",
            "{\"k\":\"v\",\"x\":1,\"k\":\"w\"}",
            "\t{\r\n\"ws\"\t:\r[\n]\r}\t"})
    void buildsTheSameTreeForEdgeCases(String body) throws Exception {
        assertSameTree(body);
    }

    @Test
    void buildsTheSameTreeForDeepAndRandomDocuments() throws Exception {
        assertSameTree("[".repeat(500) + "{\"x\":1}" + "]".repeat(500));
        assertSameTree("{\"a\":".repeat(300) + "0" + "}".repeat(300));
        Random random = new Random(7);
        for (int i = 0; i < 2_000; i++) {
            assertSameTree(randomJson(random, 0));
        }
    }

    /** Documents in and just outside what FastTreeReader reads itself, some broken: always Jackson's result. */
    @Test
    void agreesWithReadTreeOnRandomPlainDocuments() throws Exception {
        Random random = new Random(11);
        for (int i = 0; i < 5_000; i++) {
            String body = random.nextBoolean() ? "{\"r\":" + plainJson(random, 1) + "}" : "[" + plainJson(random, 1) + "]";
            if (random.nextInt(4) == 0) { // break a quarter of them somewhere
                int at = random.nextInt(body.length());
                String breakers = ",}]:\"\\x0 -.e\u0001";
                body = body.substring(0, at) + breakers.charAt(random.nextInt(breakers.length())) + body.substring(at + random.nextInt(2));
            }
            JsonNode expected;
            try {
                expected = Jackson.MAPPER.readTree(body);
            } catch (JsonProcessingException rejected) {
                String text = body;
                assertThatThrownBy(() -> TreeReader.read(text)).as(text).isInstanceOf(JsonProcessingException.class);
                continue;
            }
            JsonNode actual = TreeReader.read(body);
            assertThat(actual).as(body).isEqualTo(expected);
            assertSameNodeTypes(actual, expected);
        }
    }

    private static String plainJson(Random random, int depth) {
        int pick = depth > 4 ? random.nextInt(6) : random.nextInt(8);
        return switch (pick) {
            case 0 -> Long.toString(random.nextInt(4) == 0 ? random.nextLong() : random.nextInt() >> random.nextInt(32));
            case 1 -> new java.math.BigDecimal(random.nextGaussian() * Math.pow(10, random.nextInt(24) - 8)).round(
                    new java.math.MathContext(1 + random.nextInt(20))).toPlainString();
            case 2, 3 -> plainString(random);
            case 4 -> random.nextBoolean() ? "true" : "false";
            case 5 -> "null";
            case 6 -> {
                StringBuilder object = new StringBuilder("{");
                for (int i = 0, n = random.nextInt(6); i < n; i++) {
                    object.append(i == 0 ? "" : ",").append(random.nextInt(3) == 0 ? " \n" : "")
                            .append(random.nextInt(5) == 0 ? plainString(random) : "\"k" + random.nextInt(5) + "\"")
                            .append(random.nextBoolean() ? ":" : " : ").append(plainJson(random, depth + 1));
                }
                yield object.append('}').toString();
            }
            default -> {
                StringBuilder array = new StringBuilder("[");
                for (int i = 0, n = random.nextInt(5); i < n; i++) {
                    array.append(i == 0 ? "" : random.nextBoolean() ? "," : " ,\t").append(plainJson(random, depth + 1));
                }
                yield array.append(']').toString();
            }
        };
    }

    private static String plainString(Random random) {
        String[] pieces = {"a", "Z", " ", "é", "€", "\ud83d\ude00", "\\\"", "\\\\", "\\/", "\\n", "\\t", "\\b", "\\u00e9", "\\uD83D\\uDE00", "\\ud800", "'", "}"};
        StringBuilder text = new StringBuilder("\"");
        for (int i = 0, n = random.nextInt(12); i < n; i++) {
            text.append(pieces[random.nextInt(pieces.length)]);
        }
        return text.append('"').toString();
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"a\":1} junk", "{\"a\":1}{}", "{\"a\":", "{\"a\" 1}", "[1,]x", "{'a':1}", "[1,2",
            "{\"a\":01}", "{\"a\":1.}", "{\"a\":-}", "{\"a\":.5}", "{\"a\":+1}", "{\"a\":1e}", "{\"a\":tru}", "{\"a\":truex}",
            "{\"a\":nul}", "{\"a\":1,}", "[1,]", "[1 2]", "{\"a\":\"\\x\"}", "{\"a\":\"\\u12\"}", "{\"a\":\"\\u12G4\"}",
            "{\"a\":\"\u0001\"}", "{\"a\":\"b}", "{\"a\":\"b\\", "{\"a\":1}}", "{a:1}", "{\"a\":[1}", "{\"a\":NaN}", "{\"a\":1}\u00a0"})
    void rejectsWhatReadTreeRejects(String body) {
        assertThatThrownBy(() -> Jackson.MAPPER.readTree(body)).isInstanceOf(JsonProcessingException.class);
        assertThatThrownBy(() -> TreeReader.read(body)).isInstanceOf(JsonProcessingException.class);
        assertThatThrownBy(() -> TreeReader.read(body.getBytes(StandardCharsets.UTF_8))).isInstanceOf(JsonProcessingException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"a\":\"\ud800\"}", "{\"\udc00\":[\"x\ud83d\"]}", "{\"a\":\"\u00e9\u20ac\ud83d\ude00\"}"})
    void keepsWhatTheStringHoldsForNonAsciiAndLoneSurrogates(String body) throws Exception {
        JsonNode actual = TreeReader.read(body); // the String path only: UTF-8 bytes could not hold a lone surrogate
        assertThat(actual).isEqualTo(Jackson.MAPPER.readTree(body));
        assertSameNodeTypes(actual, Jackson.MAPPER.readTree(body));
    }

    @Test
    void aReusedBufferNeverLendsAnEarlierDocumentsTail() throws Exception {
        // the reader copies the text into a pooled buffer that may still hold a longer, earlier text:
        // nothing past the current text's end may be read as part of it
        String whole = "{\"a\":\"x\\\"yz\",\"b\":[1,2,3],\"c\":\"" + "q".repeat(2_000) + "\"}";
        for (int cut = 1; cut < 40; cut++) {
            assertSameTree(whole);
            String truncated = whole.substring(0, cut);
            assertThatThrownBy(() -> Jackson.MAPPER.readTree(truncated)).isInstanceOf(IOException.class);
            assertThatThrownBy(() -> TreeReader.read(truncated)).as(truncated).isInstanceOf(IOException.class);
        }
    }

    @Test
    void keepsTheParserNestingLimit() {
        String tooDeep = "[".repeat(1_500) + "]".repeat(1_500);
        assertThatThrownBy(() -> Jackson.MAPPER.readTree(tooDeep)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> TreeReader.read(tooDeep)).isInstanceOf(IOException.class);
    }

    private static void assertSameTree(String body) throws Exception {
        JsonNode expected = Jackson.MAPPER.readTree(body);
        for (JsonNode actual : List.of(TreeReader.read(body), TreeReader.read(body.getBytes(StandardCharsets.UTF_8)))) {
            assertThat(actual).isEqualTo(expected);
            assertSameNodeTypes(actual, expected);
        }
    }

    /** JsonNode.equals treats IntNode(1) and LongNode(1) as different, but check every node's class explicitly. */
    private static void assertSameNodeTypes(JsonNode actual, JsonNode expected) {
        assertThat(actual.getClass()).isEqualTo(expected.getClass());
        if (expected.isContainerNode()) {
            assertThat(actual.size()).isEqualTo(expected.size());
            if (expected.isObject()) {
                assertThat(actual.propertyStream().map(java.util.Map.Entry::getKey).toList())
                        .isEqualTo(expected.propertyStream().map(java.util.Map.Entry::getKey).toList());
                expected.properties().forEach(e -> assertSameNodeTypes(actual.get(e.getKey()), e.getValue()));
            } else {
                for (int i = 0; i < expected.size(); i++) {
                    assertSameNodeTypes(actual.get(i), expected.get(i));
                }
            }
        }
    }

    private static String randomJson(Random random, int depth) {
        int pick = depth > 5 ? random.nextInt(6) : random.nextInt(8);
        return switch (pick) {
            case 0 -> Integer.toString(random.nextInt());
            case 1 -> Long.toString(random.nextLong());
            case 2 -> Double.toString(random.nextDouble() * Math.pow(10, random.nextInt(40) - 20));
            case 3 -> "\"s" + random.nextInt(100) + "\"";
            case 4 -> random.nextBoolean() ? "true" : "false";
            case 5 -> "null";
            case 6 -> {
                StringBuilder object = new StringBuilder("{");
                for (int i = 0, n = random.nextInt(5); i < n; i++) {
                    object.append(i == 0 ? "" : ",").append("\"k").append(random.nextInt(4)).append("\":").append(randomJson(random, depth + 1));
                }
                yield object.append('}').toString();
            }
            default -> {
                StringBuilder array = new StringBuilder("[");
                for (int i = 0, n = random.nextInt(5); i < n; i++) {
                    array.append(i == 0 ? "" : ",").append(randomJson(random, depth + 1));
                }
                yield array.append(']').toString();
            }
        };
    }
}
