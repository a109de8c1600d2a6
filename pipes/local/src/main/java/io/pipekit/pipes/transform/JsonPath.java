package io.pipekit.pipes.transform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The JSONPath subset that Pipes templates, dynamic target parameters and EventBridge
 * {@code InputPath}/{@code InputPathsMap} accept: {@code $}, dot notation (names may hold dashes,
 * underscores, slashes), array indices {@code [3]} and the wildcard {@code *} (docs/aws-behaviour.md §1.6).
 */
public final class JsonPath {

    private sealed interface Step permits Field, Index, Wildcard {}

    private record Field(String name) implements Step {}

    private record Index(int index) implements Step {}

    private record Wildcard() implements Step {}

    private final String text;
    private final List<Step> steps;

    private JsonPath(String text, List<Step> steps) {
        this.text = text;
        this.steps = steps;
    }

    /** Parses {@code $.a.b[0].*}; throws {@link IllegalArgumentException} with the reason otherwise. */
    public static JsonPath parse(String path) {
        if (path == null || !path.startsWith("$")) {
            throw new IllegalArgumentException("JSON path must start with '$': " + path);
        }
        List<Step> steps = new ArrayList<>();
        int i = 1;
        while (i < path.length()) {
            char c = path.charAt(i);
            if (c == '.') {
                int end = i + 1;
                while (end < path.length() && path.charAt(end) != '.' && path.charAt(end) != '[') {
                    end++;
                }
                String name = path.substring(i + 1, end);
                if (name.isEmpty()) {
                    throw new IllegalArgumentException("empty field name in JSON path " + path);
                }
                steps.add(name.equals("*") ? new Wildcard() : new Field(name));
                i = end;
            } else if (c == '[') {
                int end = path.indexOf(']', i);
                if (end < 0) {
                    throw new IllegalArgumentException("unclosed '[' in JSON path " + path);
                }
                String inside = path.substring(i + 1, end).trim();
                if (inside.equals("*")) {
                    steps.add(new Wildcard());
                } else if (inside.length() > 1 && (inside.startsWith("'") || inside.startsWith("\""))) {
                    steps.add(new Field(inside.substring(1, inside.length() - 1)));
                } else {
                    try {
                        steps.add(new Index(Integer.parseInt(inside)));
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("bad index '" + inside + "' in JSON path " + path);
                    }
                }
                i = end + 1;
            } else {
                throw new IllegalArgumentException("unexpected '" + c + "' at " + i + " in JSON path " + path);
            }
        }
        return new JsonPath(path, List.copyOf(steps));
    }

    /** Whether {@code value} is a whole-value JSON path ({@code $.…}) rather than a static value. */
    public static boolean isPath(String value) {
        return value != null && (value.equals("$") || value.startsWith("$.") || value.startsWith("$["));
    }

    /** The value at this path, or empty when absent; a wildcard yields an array of the matches. */
    public Optional<JsonNode> read(JsonNode root) {
        List<JsonNode> current = List.of(root);
        boolean multi = false;
        for (Step step : steps) {
            List<JsonNode> next = new ArrayList<>();
            for (JsonNode node : current) {
                switch (step) {
                    case Field field -> {
                        JsonNode child = node.get(field.name());
                        if (child != null) {
                            next.add(child);
                        }
                    }
                    case Index index -> {
                        JsonNode child = node.isArray() ? node.get(index.index()) : null;
                        if (child != null) {
                            next.add(child);
                        }
                    }
                    case Wildcard ignored -> {
                        multi = true;
                        node.elements().forEachRemaining(next::add);
                    }
                }
            }
            current = next;
        }
        if (multi) {
            ArrayNode array = JsonNodeFactory.instance.arrayNode();
            current.forEach(array::add);
            return Optional.of(array);
        }
        return current.isEmpty() ? Optional.empty() : Optional.of(current.getFirst());
    }

    @Override
    public String toString() {
        return text;
    }
}
