package io.pipekit.worker.envelope;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ContainerNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.POJONode;
import java.io.IOException;
import java.util.Arrays;

/**
 * Builds the same {@link JsonNode} tree as {@code ObjectMapper.readTree} (same node types for every
 * number, last duplicate key wins, trailing tokens rejected, the factory's nesting and length limits)
 * straight from the streaming parser. Decoding is dominated by this parse, and skipping the
 * data-binding machinery {@code readTree} goes through for each call (a deserialization context,
 * a root-deserializer lookup, feature checks per value) is what lets a decode cost about what a bare
 * parse does. Iterative, so a deep document cannot overflow the stack.
 *
 * <p>A String is first offered to {@link FastTreeReader}, which builds the same tree for the plain JSON
 * envelopes consist of, without Jackson's parser, and leaves anything else (and every error) to it.
 */
final class TreeReader {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private TreeReader() {
    }

    static JsonNode read(String text) throws IOException {
        JsonNode fast = FastTreeReader.readOrNull(text); // plain JSON objects and arrays; null for anything else
        if (fast != null) {
            return fast;
        }
        try (JsonParser parser = factory().createParser(text)) {
            return read(parser);
        }
    }

    static JsonNode read(byte[] utf8) throws IOException {
        try (JsonParser parser = factory().createParser(utf8)) {
            return read(parser);
        }
    }

    private static JsonFactory factory() {
        return Jackson.MAPPER.getFactory();
    }

    private static JsonNode read(JsonParser parser) throws IOException {
        JsonToken token = parser.nextToken();
        if (token == null) {
            return com.fasterxml.jackson.databind.node.MissingNode.getInstance(); // empty input, as readTree
        }
        JsonNode root = switch (token) {
            case START_OBJECT, START_ARRAY -> container(parser, token);
            default -> scalar(parser, token);
        };
        if (parser.nextToken() != null) {
            throw new JsonParseException(parser, "trailing token after the JSON value: " + parser.currentToken());
        }
        return root;
    }

    private static JsonNode container(JsonParser parser, JsonToken start) throws IOException {
        ContainerNode<?>[] open = new ContainerNode<?>[8];
        int depth = 0;
        ContainerNode<?> root = start == JsonToken.START_OBJECT ? NODES.objectNode() : NODES.arrayNode();
        open[0] = root;
        ContainerNode<?> current = root;
        while (true) {
            JsonToken token;
            String name = null;
            if (current instanceof ObjectNode) {
                // nextFieldName reads the name without materialising a FIELD_NAME token (as readTree does)
                name = parser.nextFieldName();
                if (name == null) {
                    if (parser.currentToken() != JsonToken.END_OBJECT) {
                        throw new JsonParseException(parser, "unexpected token " + parser.currentToken());
                    }
                    if (depth == 0) {
                        return root;
                    }
                    current = open[--depth];
                    continue;
                }
                token = parser.nextToken();
            } else {
                token = parser.nextToken();
                if (token == JsonToken.END_ARRAY) {
                    if (depth == 0) {
                        return root;
                    }
                    current = open[--depth];
                    continue;
                }
            }
            if (token == null) {
                throw new JsonParseException(parser, "unexpected end of input");
            }
            JsonNode value;
            ContainerNode<?> child = null;
            if (token == JsonToken.START_OBJECT) {
                value = child = NODES.objectNode();
            } else if (token == JsonToken.START_ARRAY) {
                value = child = NODES.arrayNode();
            } else {
                value = scalar(parser, token);
            }
            if (name != null) {
                ((ObjectNode) current).replace(name, value); // a repeated key keeps the last value, as readTree
            } else {
                ((ArrayNode) current).add(value);
            }
            if (child != null) {
                if (++depth == open.length) {
                    open = Arrays.copyOf(open, depth * 2);
                }
                open[depth] = child;
                current = child;
            }
        }
    }

    /** The node {@code readTree} makes for a scalar token with default features. */
    private static JsonNode scalar(JsonParser parser, JsonToken token) throws IOException {
        return switch (token) {
            case VALUE_STRING -> NODES.textNode(parser.getText());
            case VALUE_NUMBER_INT -> switch (parser.getNumberType()) {
                case INT -> NODES.numberNode(parser.getIntValue());
                case LONG -> NODES.numberNode(parser.getLongValue());
                default -> NODES.numberNode(parser.getBigIntegerValue());
            };
            case VALUE_NUMBER_FLOAT -> switch (parser.getNumberType()) {
                case BIG_DECIMAL -> NODES.numberNode(parser.getDecimalValue());
                case FLOAT -> NODES.numberNode(parser.getFloatValue());
                default -> NODES.numberNode(parser.getDoubleValue());
            };
            case VALUE_TRUE -> NODES.booleanNode(true);
            case VALUE_FALSE -> NODES.booleanNode(false);
            case VALUE_NULL -> NODES.nullNode();
            case VALUE_EMBEDDED_OBJECT -> new POJONode(parser.getEmbeddedObject());
            default -> throw new JsonParseException(parser, "unexpected token " + token);
        };
    }
}
