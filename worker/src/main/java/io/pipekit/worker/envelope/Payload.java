package io.pipekit.worker.envelope;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;
import java.util.function.Function;

/**
 * The payload an envelope carries: a Kinesis record's base64 {@code data}, an SNS {@code Message},
 * a piped SQS {@code body}, an EventBridge {@code detail}, a raw body. Nothing is decoded until asked
 * for, and each decoding happens once (results are cached; a handler may call accessors repeatedly).
 *
 * <p>Instances are safe to share between threads; the caches are idempotent.
 */
public final class Payload {

    private enum Form { TEXT, BASE64, TREE }

    private static final JsonNode NOT_JSON = com.fasterxml.jackson.databind.node.MissingNode.getInstance();

    private final Form form;
    private final String source;          // TEXT: the text; BASE64: the base64 string; TREE: null
    private final Function<Payload, Envelope> nestedDecoder;
    private volatile JsonNode tree;       // parsed JSON, NOT_JSON once a parse failed
    private volatile byte[] bytes;
    private volatile Envelope nested;

    private Payload(Form form, String source, JsonNode tree, Function<Payload, Envelope> nestedDecoder) {
        this.form = form;
        this.source = source;
        this.tree = tree;
        this.nestedDecoder = nestedDecoder;
    }

    static Payload text(String text) {
        return new Payload(Form.TEXT, Objects.requireNonNull(text), null, null);
    }

    /** Text already parsed by the caller (a raw JSON body): no second parse. */
    static Payload parsedText(String text, JsonNode tree) {
        return new Payload(Form.TEXT, text, tree, null);
    }

    /** Text that may itself be another envelope (SNS {@code Message}, piped SQS {@code body}). */
    static Payload nestable(String text, Function<Payload, Envelope> nestedDecoder) {
        return new Payload(Form.TEXT, Objects.requireNonNull(text), null, nestedDecoder);
    }

    /** Base64 text; the caller has checked the alphabet with {@link #isBase64(String)}. */
    static Payload base64(String base64) {
        return new Payload(Form.BASE64, Objects.requireNonNull(base64), null, null);
    }

    static Payload json(JsonNode node) {
        return new Payload(Form.TREE, null, Objects.requireNonNull(node), null);
    }

    static Payload empty() {
        return text("");
    }

    /** The payload's bytes: base64-decoded for Kinesis data, UTF-8 for text and JSON. A fresh copy. */
    public byte[] bytes() {
        return decodedBytes().clone();
    }

    /** A read-only view of {@link #bytes()} without copying. */
    public ByteBuffer buffer() {
        return ByteBuffer.wrap(decodedBytes()).asReadOnlyBuffer();
    }

    /** Number of payload bytes (after base64 decoding). */
    public int size() {
        return decodedBytes().length;
    }

    /**
     * The payload as text: the text itself, base64 data decoded as UTF-8 (malformed sequences become
     * U+FFFD), a JSON string's value, or other JSON serialized compactly.
     */
    public String text() {
        return switch (form) {
            case TEXT -> source;
            case BASE64 -> new String(decodedBytes(), StandardCharsets.UTF_8);
            case TREE -> tree.isTextual() ? tree.textValue() : tree.toString();
        };
    }

    /** Whether the payload parses as one JSON value (for base64 data: whether the decoded bytes do). */
    public boolean isJson() {
        return parsed() != NOT_JSON;
    }

    /** The payload as a JSON tree. Do not modify it. @throws PayloadException when it is not JSON */
    public JsonNode json() {
        JsonNode node = parsed();
        if (node == NOT_JSON) {
            throw new PayloadException("payload is not JSON (" + size() + " bytes)");
        }
        return node;
    }

    /** The payload's JSON bound to {@code type} with the kit's mapper. @throws PayloadException */
    public <T> T as(Class<T> type) {
        return as(type, Jackson.MAPPER);
    }

    /** The payload's JSON bound to {@code type} with the caller's mapper (modules, naming strategy). */
    public <T> T as(Class<T> type, ObjectMapper mapper) {
        JsonNode node = json();
        try {
            return mapper.treeToValue(node, type);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new PayloadException("payload does not bind to " + type.getName() + ": " + e.getMessage(), e);
        }
    }

    /** The payload's JSON bound to a generic type, e.g. {@code new TypeReference<List<Order>>() {}}. */
    public <T> T as(TypeReference<T> type) {
        JsonNode node = json();
        try {
            return Jackson.MAPPER.readerFor(type).readValue(node);
        } catch (IOException | IllegalArgumentException e) {
            throw new PayloadException("payload does not bind to " + type.getType() + ": " + e.getMessage(), e);
        }
    }

    /** The envelope inside this payload (SNS-wrapped EventBridge, S3, …), decoded once. */
    Envelope nested() {
        Envelope result = nested;
        if (result == null) {
            result = nestedDecoder.apply(this);
            nested = result;
        }
        return result;
    }

    /** The parsed tree when the payload is a JSON object, else null; parses at most once. */
    JsonNode objectTreeOrNull() {
        if (form == Form.TEXT && tree == null && !Jackson.startsLikeObject(source)) {
            return null;
        }
        JsonNode node = parsed();
        return node.isObject() ? node : null;
    }

    private JsonNode parsed() {
        JsonNode result = tree;
        if (result == null) {
            result = parse();
            tree = result;
        }
        return result;
    }

    private JsonNode parse() {
        try {
            return switch (form) {
                case TEXT -> Jackson.startsLikeJson(source) ? TreeReader.read(source) : NOT_JSON;
                case BASE64 -> TreeReader.read(decodedBytes());
                case TREE -> throw new IllegalStateException("tree payloads are parsed at creation");
            };
        } catch (IOException | RuntimeException e) {
            // Not JSON (or JSON beyond Jackson's nesting/size limits): the payload stays usable as bytes/text.
            return NOT_JSON;
        }
    }

    private byte[] decodedBytes() {
        byte[] result = bytes;
        if (result == null) {
            result = switch (form) {
                case TEXT -> source.getBytes(StandardCharsets.UTF_8);
                case BASE64 -> decodeBase64(source);
                case TREE -> text().getBytes(StandardCharsets.UTF_8);
            };
            bytes = result;
        }
        return result;
    }

    private static byte[] decodeBase64(String base64) {
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new PayloadException("payload is not valid base64: " + e.getMessage(), e);
        }
    }

    /**
     * Strict RFC 4648 base64 check without allocating: what the decoder validates eagerly so a bad
     * Kinesis {@code data} field becomes a {@link DecodeFailure} at decode time, not a surprise in a handler.
     */
    static boolean isBase64(String text) {
        int n = text.length();
        if (n % 4 != 0) {
            return false;
        }
        // padding: at most two '=' and only at the end
        int end = n;
        if (end > 0 && text.charAt(end - 1) == '=') {
            end--;
            if (end > 0 && text.charAt(end - 1) == '=') {
                end--;
            }
        }
        for (int i = 0; i < end; i++) {
            char c = text.charAt(i);
            if (c >= 128 || !BASE64_ALPHABET[c]) {
                return false;
            }
        }
        return true;
    }

    /** The RFC 4648 alphabet (no padding), indexed by character: one load per character in {@link #isBase64}. */
    private static final boolean[] BASE64_ALPHABET = new boolean[128];

    static {
        for (char c = 'A'; c <= 'Z'; c++) {
            BASE64_ALPHABET[c] = true;
            BASE64_ALPHABET[c + ('a' - 'A')] = true;
        }
        for (char c = '0'; c <= '9'; c++) {
            BASE64_ALPHABET[c] = true;
        }
        BASE64_ALPHABET['+'] = true;
        BASE64_ALPHABET['/'] = true;
    }

    @Override
    public String toString() {
        return "Payload[" + form + ", " + (form == Form.TREE ? "tree" : source.length() + " chars") + "]";
    }
}
