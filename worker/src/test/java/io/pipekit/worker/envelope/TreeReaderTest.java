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
            "[{\"a\":[{\"b\":[{\"c\":[1]}]}]},2,\"three\",[4.0]]"})
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

    @ParameterizedTest
    @ValueSource(strings = {"{\"a\":1} junk", "{\"a\":1}{}", "{\"a\":", "{\"a\" 1}", "[1,]x", "{'a':1}", "[1,2"})
    void rejectsWhatReadTreeRejects(String body) {
        assertThatThrownBy(() -> Jackson.MAPPER.readTree(body)).isInstanceOf(JsonProcessingException.class);
        assertThatThrownBy(() -> TreeReader.read(body)).isInstanceOf(JsonProcessingException.class);
        assertThatThrownBy(() -> TreeReader.read(body.getBytes(StandardCharsets.UTF_8))).isInstanceOf(JsonProcessingException.class);
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
