package io.pipekit.worker.envelope;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The fast path of {@link TreeReader#read(String)}: builds the tree of a JSON object or array straight
 * from the String, for the plain JSON envelopes are made of — strings (with the standard escapes),
 * integers of up to 18 digits, decimals without an exponent, {@code true}/{@code false}/{@code null},
 * nesting up to {@value #MAX_DEPTH}. It makes the nodes Jackson's tree reading makes for them (same
 * factory calls; int, long or double as the parser would type them; a repeated key keeps its first
 * position and its last value).
 *
 * <p>It never decides about anything else: on an exponent, a longer number, an unknown escape, a
 * control character, deeper nesting, a document over {@value #MAX_LENGTH} chars or any syntax error it
 * gives up ({@code null}) and the caller reads the document with Jackson from the start, so every
 * rejection, limit and unusual value stays Jackson's. Giving up costs one exception without a stack trace.
 *
 * <p>Why: Jackson's parser is general (features, limits, token state per value, a context object per
 * nesting level, a copy of every String into a char buffer first); envelopes need none of it, and the
 * decoder's field reads fit into what this saves.
 */
final class FastTreeReader {

    static final int MAX_DEPTH = 64;
    static final int MAX_LENGTH = 1 << 20;
    private static final int MAX_DIGITS = 18;   // always a long; Jackson's int/long split below
    private static final int MAX_NAME = 1_000;  // far under the parser's name-length limit
    private static final int MAX_DECIMAL = 32;  // chars of a decimal, sign included

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /**
     * Field names seen recently, by hash: envelopes repeat a few dozen names, so most names are shared
     * instances, as with the parser's symbol table. Races only lose entries (Strings publish safely).
     */
    private static final String[] NAMES = new String[1024];

    private static final class GiveUp extends RuntimeException {
        private static final long serialVersionUID = 1L;

        GiveUp() {
            super(null, null, false, false);
        }
    }

    private static final GiveUp GIVE_UP = new GiveUp();

    /**
     * Char buffers lent to readers: the copy of the text and the scratch for unescaping. The worker
     * decodes on a new virtual thread per message, so a thread-local buffer would be made afresh
     * each time; a small shared pool, indexed by thread id, is reused instead (a reader that finds
     * its slot empty allocates). Allocating the copies per message cost the escape-heavy SNS envelope
     * about a tenth of its decode (docs/benchmarks.md, envelope decode).
     */
    private static final int POOL_SLOTS = 64;
    private static final int POOLED_MAX_CHARS = 64 * 1024;
    private static final AtomicReferenceArray<char[]> POOL = new AtomicReferenceArray<>(POOL_SLOTS);

    private final String s;
    private final char[] cs;  // may be longer than the text: every read is bounded by n
    private final int n;
    private final int slot;
    private char[] scratch;
    private int pos;

    private FastTreeReader(String s, int slot) {
        this.s = s;
        this.n = s.length();
        this.slot = slot;
        this.cs = borrow(slot, n);
        s.getChars(0, n, cs, 0);
    }

    private static char[] borrow(int slot, int length) {
        char[] pooled = POOL.getAndSet(slot, null);
        return pooled != null && pooled.length >= length ? pooled : new char[Math.max(length, 256)];
    }

    private static void giveBack(int slot, char[] buffer) {
        if (buffer != null && buffer.length <= POOLED_MAX_CHARS) {
            POOL.lazySet(slot, buffer);
        }
    }

    /** The tree, or null when Jackson must read the text (see the class comment). */
    static JsonNode readOrNull(String text) {
        if (text.length() > MAX_LENGTH) {
            return null;
        }
        int slot = (int) (Thread.currentThread().threadId() & (POOL_SLOTS / 2 - 1)) * 2;
        FastTreeReader reader = new FastTreeReader(text, slot);
        try {
            int c = reader.skipWhitespace();
            if (c != '{' && c != '[') {
                return null; // a scalar document or empty input: rare, and Jackson's rules
            }
            JsonNode root = reader.value(0);
            return reader.skipWhitespace() < 0 ? root : null; // anything after the value: Jackson rejects it
        } catch (GiveUp | IndexOutOfBoundsException e) { // the latter only as a safety net
            return null;
        } finally {
            giveBack(slot, reader.cs);
            giveBack(slot + 1, reader.scratch);
        }
    }

    /** Skips JSON whitespace (space, tab, LF, CR); the char at the new position, or -1 at the end. */
    private int skipWhitespace() {
        int i = pos;
        while (i < n) {
            char c = cs[i];
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                pos = i;
                return c;
            }
            i++;
        }
        pos = n;
        return -1;
    }

    /** The value starting at {@code pos} (whitespace skipped). */
    private JsonNode value(int depth) {
        if (pos >= n) {
            throw GIVE_UP;
        }
        char c = cs[pos];
        switch (c) {
            case '{':
                return object(depth + 1);
            case '[':
                return array(depth + 1);
            case '"':
                pos++;
                return NODES.textNode(string());
            case 't':
                literal("true");
                return NODES.booleanNode(true);
            case 'f':
                literal("false");
                return NODES.booleanNode(false);
            case 'n':
                literal("null");
                return NODES.nullNode();
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    return number();
                }
                throw GIVE_UP;
        }
    }

    private ObjectNode object(int depth) {
        if (depth > MAX_DEPTH) {
            throw GIVE_UP;
        }
        pos++; // '{'
        ObjectNode node = NODES.objectNode();
        int c = skipWhitespace();
        if (c == '}') {
            pos++;
            return node;
        }
        while (true) {
            if (c != '"') {
                throw GIVE_UP;
            }
            pos++;
            String name = name();
            if (skipWhitespace() != ':') {
                throw GIVE_UP;
            }
            pos++;
            skipWhitespace();
            node.replace(name, value(depth)); // a repeated key keeps the last value, as Jackson
            c = skipWhitespace();
            if (c == ',') {
                pos++;
                c = skipWhitespace();
            } else if (c == '}') {
                pos++;
                return node;
            } else {
                throw GIVE_UP;
            }
        }
    }

    private ArrayNode array(int depth) {
        if (depth > MAX_DEPTH) {
            throw GIVE_UP;
        }
        pos++; // '['
        ArrayNode node = NODES.arrayNode();
        if (skipWhitespace() == ']') {
            pos++;
            return node;
        }
        while (true) {
            node.add(value(depth));
            int c = skipWhitespace();
            if (c == ',') {
                pos++;
                skipWhitespace();
            } else if (c == ']') {
                pos++;
                return node;
            } else {
                throw GIVE_UP;
            }
        }
    }

    private void literal(String word) {
        if (!s.startsWith(word, pos)) {
            throw GIVE_UP;
        }
        pos += word.length(); // "truex" and the like fail on what follows
    }

    /** A field name after its opening quote; a recently seen name's instance when there is one. */
    private String name() {
        int start = pos;
        int hash = 0;
        for (int i = start; i < n; i++) {
            char c = cs[i];
            if (c == '"') {
                if (i - start > MAX_NAME) {
                    throw GIVE_UP;
                }
                pos = i + 1;
                return canonical(start, i, hash);
            }
            if (c == '\\' || c < 0x20) {
                String name = string(); // escapes: rare in names, not cached
                if (name.length() > MAX_NAME) {
                    throw GIVE_UP;
                }
                return name;
            }
            hash = 31 * hash + c; // String.hashCode's formula
        }
        throw GIVE_UP;
    }

    private String canonical(int start, int end, int hash) {
        int length = end - start;
        int slot = (hash ^ (hash >>> 16)) & (NAMES.length - 1);
        String cached = NAMES[slot];
        if (cached != null && cached.length() == length && cached.hashCode() == hash
                && s.regionMatches(start, cached, 0, length)) {
            return cached;
        }
        String name = s.substring(start, end);
        NAMES[slot] = name;
        return name;
    }

    /** A string's value after its opening quote; {@code pos} ends after the closing quote. */
    private String string() {
        int start = pos;
        for (int i = start; i < n; i++) {
            char c = cs[i];
            if (c == '"') {
                pos = i + 1;
                return s.substring(start, i);
            }
            if (c == '\\') {
                return escaped(start, i);
            }
            if (c < 0x20) {
                throw GIVE_UP; // Jackson rejects unescaped control characters
            }
        }
        throw GIVE_UP;
    }

    /** The rest of a string with escapes; {@code i} is at the first backslash. */
    private String escaped(int start, int i) {
        final char[] in = cs;
        final int end = n;
        char[] out = scratch != null ? scratch : borrow(slot + 1, Math.max(i - start + 64, Math.min(end - start, 4096)));
        if (out.length < i - start) {
            out = new char[i - start + 64];
        }
        int length = i - start;
        System.arraycopy(in, start, out, 0, length);
        while (i < end) {
            char c = in[i++];
            if (c <= '\\') {
                if (c == '\\') {
                    if (i >= end) {
                        throw GIVE_UP;
                    }
                    c = in[i++];
                    switch (c) {
                        case '"', '\\', '/' -> { }
                        case 'b' -> c = '\b';
                        case 'f' -> c = '\f';
                        case 'n' -> c = '\n';
                        case 'r' -> c = '\r';
                        case 't' -> c = '\t';
                        case 'u' -> {
                            if (i + 4 > end) {
                                throw GIVE_UP;
                            }
                            c = (char) (hex(in[i]) << 12 | hex(in[i + 1]) << 8 | hex(in[i + 2]) << 4 | hex(in[i + 3]));
                            i += 4; // any code unit, lone surrogates included, as Jackson
                        }
                        default -> throw GIVE_UP;
                    }
                } else if (c <= '"') {
                    if (c == '"') {
                        pos = i;
                        scratch = out;
                        return new String(out, 0, length);
                    }
                    if (c < 0x20) {
                        throw GIVE_UP; // Jackson rejects unescaped control characters
                    }
                }
            }
            if (length == out.length) {
                out = Arrays.copyOf(out, 2 * length);
            }
            out[length++] = c;
        }
        throw GIVE_UP;
    }

    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        throw GIVE_UP;
    }

    /**
     * {@code -?(0|[1-9][0-9]*)} as an int when it fits one, else a long (what the parser's number type
     * gives); with a fraction ({@code .[0-9]+}, no exponent) a double by {@link Double#parseDouble},
     * as the parser converts it.
     */
    private JsonNode number() {
        int start = pos;
        int i = start;
        boolean negative = cs[i] == '-';
        if (negative) {
            i++;
        }
        int digitsStart = i;
        long value = 0;
        while (i < n) {
            char c = cs[i];
            if (c < '0' || c > '9') {
                break;
            }
            value = value * 10 + (c - '0');
            i++;
        }
        int digits = i - digitsStart;
        if (digits == 0 || digits > MAX_DIGITS || (digits > 1 && cs[digitsStart] == '0')) {
            throw GIVE_UP; // "-", too long for a long, or a leading zero
        }
        if (i < n) {
            char c = cs[i];
            if (c == '.') {
                int fractionStart = ++i;
                while (i < n && cs[i] >= '0' && cs[i] <= '9') {
                    i++;
                }
                if (i == fractionStart || i - start > MAX_DECIMAL || (i < n && (cs[i] | 0x20) == 'e')) {
                    throw GIVE_UP;
                }
                pos = i;
                return NODES.numberNode(Double.parseDouble(s.substring(start, i)));
            }
            if ((c | 0x20) == 'e') {
                throw GIVE_UP;
            }
        }
        pos = i;
        long signed = negative ? -value : value;
        return signed >= Integer.MIN_VALUE && signed <= Integer.MAX_VALUE
                ? NODES.numberNode((int) signed) : NODES.numberNode(signed);
    }
}
