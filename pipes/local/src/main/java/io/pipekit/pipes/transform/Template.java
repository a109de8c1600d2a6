package io.pipekit.pipes.transform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An input template with {@code <placeholder>} variables, as Pipes' {@code InputTemplate}
 * (docs/aws-behaviour.md §1.6) and EventBridge's {@code InputTransformer} (§2.4) use them.
 *
 * <p>Placement decides the rendering: an unquoted placeholder in a JSON template is a value
 * position and receives a JSON value (strings quoted, objects and arrays raw); a placeholder inside a
 * quoted string, or anywhere in a template that is not JSON, is interpolated as text. Text inserted
 * into a JSON string is escaped so the result stays valid JSON. A placeholder whose value is absent
 * renders {@code null} in value position and nothing inside text (AWS leaves this undocumented,
 * docs/aws-behaviour.md §12 question 3).
 */
public final class Template {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PLACEHOLDER = Pattern.compile("<([A-Za-z0-9_$.\\-\\[\\]*/'\"]+)>");

    private sealed interface Part permits Literal, Variable {}

    private record Literal(String text) implements Part {}

    /** {@code quoted}: inside a JSON string literal; {@code json}: the template is JSON. */
    private record Variable(String name, boolean quoted, boolean json) implements Part {}

    private final String source;
    private final List<Part> parts;

    private Template(String source, List<Part> parts) {
        this.source = source;
        this.parts = parts;
    }

    public static Template parse(String template) {
        String trimmed = template.strip();
        boolean json = trimmed.startsWith("{") || trimmed.startsWith("[");
        List<Part> parts = new ArrayList<>();
        Matcher matcher = PLACEHOLDER.matcher(template);
        int last = 0;
        while (matcher.find()) {
            parts.add(new Literal(template.substring(last, matcher.start())));
            boolean quoted = json && insideString(template, matcher.start());
            parts.add(new Variable(matcher.group(1), quoted, json));
            last = matcher.end();
        }
        parts.add(new Literal(template.substring(last)));
        return new Template(template, List.copyOf(parts));
    }

    /** The variable names used, in order of appearance (e.g. {@code $.data.id}, {@code aws.pipes.pipe-arn}). */
    public List<String> variables() {
        return parts.stream().filter(Variable.class::isInstance).map(p -> ((Variable) p).name()).toList();
    }

    /** Renders with {@code resolver} mapping a variable name to its value (empty when absent). */
    public String render(Function<String, Optional<JsonNode>> resolver) {
        StringBuilder out = new StringBuilder(source.length() + 64);
        for (Part part : parts) {
            switch (part) {
                case Literal literal -> out.append(literal.text());
                case Variable variable -> {
                    Optional<JsonNode> value = resolver.apply(variable.name());
                    if (variable.json() && !variable.quoted()) {
                        out.append(value.map(Template::write).orElse("null"));
                    } else {
                        String text = value.map(v -> v.isValueNode() ? v.asText() : write(v)).orElse("");
                        out.append(variable.quoted() ? escapeForString(text) : text);
                    }
                }
            }
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return source;
    }

    private static boolean insideString(String text, int position) {
        boolean inside = false;
        for (int i = 0; i < position; i++) {
            char c = text.charAt(i);
            if (c == '\\' && inside) {
                i++;
            } else if (c == '"') {
                inside = !inside;
            }
        }
        return inside;
    }

    private static String write(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String escapeForString(String text) {
        String quoted = write(JSON.getNodeFactory().textNode(text));
        return quoted.substring(1, quoted.length() - 1);
    }
}
