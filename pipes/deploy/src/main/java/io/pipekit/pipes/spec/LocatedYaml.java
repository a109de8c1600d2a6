package io.pipekit.pipes.spec;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML document as a Jackson tree plus the source location of every node, keyed by JSON pointer.
 *
 * <p>Jackson's tree model drops locations, so the document is streamed once more through the YAML
 * parser and each key's (or array element's) token location is recorded under its pointer.
 */
final class LocatedYaml {

    private static final YAMLMapper MAPPER = new YAMLMapper();

    final JsonNode root;
    private final Map<String, JsonLocation> locations;

    private LocatedYaml(JsonNode root, Map<String, JsonLocation> locations) {
        this.root = root;
        this.locations = locations;
    }

    static LocatedYaml parse(String text) throws IOException {
        JsonNode root = MAPPER.readTree(text);
        return new LocatedYaml(root, locate(text));
    }

    /** Location of the node at {@code pointer}, or of its nearest ancestor that has one. */
    JsonLocation locationOf(String pointer) {
        String p = pointer;
        while (true) {
            JsonLocation loc = locations.get(p);
            if (loc != null || p.isEmpty()) {
                return loc;
            }
            p = p.substring(0, p.lastIndexOf('/'));
        }
    }

    private static final class Frame {
        final boolean array;
        int index = -1;
        String field;

        Frame(boolean array) {
            this.array = array;
        }
    }

    private static Map<String, JsonLocation> locate(String text) throws IOException {
        Map<String, JsonLocation> out = new HashMap<>();
        List<Frame> stack = new ArrayList<>();
        try (JsonParser p = new YAMLFactory().createParser(text)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                Frame top = stack.isEmpty() ? null : stack.getLast();
                switch (t) {
                    case FIELD_NAME -> {
                        top.field = p.currentName();
                        out.putIfAbsent(pointer(stack), p.currentTokenLocation());
                    }
                    case START_OBJECT, START_ARRAY -> {
                        if (top != null && top.array) {
                            top.index++;
                            out.putIfAbsent(pointer(stack), p.currentTokenLocation());
                        }
                        stack.add(new Frame(t == JsonToken.START_ARRAY));
                    }
                    case END_OBJECT, END_ARRAY -> stack.removeLast();
                    default -> {
                        if (top != null && top.array) {
                            top.index++;
                            out.putIfAbsent(pointer(stack), p.currentTokenLocation());
                        }
                    }
                }
            }
        }
        return out;
    }

    private static String pointer(List<Frame> stack) {
        StringBuilder sb = new StringBuilder();
        for (Frame f : stack) {
            if (f.array) {
                sb.append('/').append(f.index);
            } else if (f.field != null) {
                sb.append('/').append(f.field.replace("~", "~0").replace("/", "~1"));
            }
        }
        return sb.toString();
    }
}
