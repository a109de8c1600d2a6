package io.pipekit.pipes.transform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An input template with {@code <placeholder>} variables, as Pipes' {@code InputTemplate}
 * (docs/aws-behaviour.md §1.6) and EventBridge's {@code InputTransformer} (§2.4) use them.
 *
 * <p>Placement decides the rendering: an unquoted placeholder in a JSON template is a value
 * position and receives a JSON value (strings quoted, objects and arrays raw); a placeholder inside a
 * quoted string, or anywhere in a template that is not JSON, is interpolated as text.
 *
 * <p>Where AWS's result is surprising, this copies it rather than repairing it, so a template that
 * breaks on AWS breaks locally too, and logs a warning once per template:
 * <ul>
 *   <li>an object or array inserted inside a quoted string loses its internal quotes
 *       ({@code "<$.data>"} with {@code {"key":"value"}} gives {@code "{key:value}"}), both
 *       dialects (§1.6, §2.4);</li>
 *   <li>{@link Dialect#RULE} (EventBridge, §2.4): text inserted into a string is <em>not</em>
 *       escaped, a variable whose path is missing renders nothing (so {@code {"a":<missing>}} is not
 *       JSON), and a result that is JSON is sent minified;</li>
 *   <li>{@link Dialect#PIPE} (§1.6, where AWS documents less): text inside strings is escaped and a
 *       missing value renders {@code null} in value position, nothing in text (§12 question 3).</li>
 * </ul>
 */
public final class Template {

    private static final Logger LOG = LoggerFactory.getLogger(Template.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Minifies without touching numbers: no detour through double, trailing zeros kept. */
    private static final ObjectMapper EXACT = com.fasterxml.jackson.databind.json.JsonMapper.builder()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .nodeFactory(com.fasterxml.jackson.databind.node.JsonNodeFactory.withExactBigDecimals(true))
            .build();
    private static final Pattern PLACEHOLDER = Pattern.compile("<([A-Za-z0-9_$.\\-\\[\\]*/'\"]+)>");

    /** Whose rules the rendering follows. */
    public enum Dialect {
        /** An EventBridge Pipes {@code InputTemplate}. */
        PIPE,
        /** An EventBridge rule target's {@code InputTransformer}. */
        RULE
    }

    private sealed interface Part permits Literal, Variable {}

    private record Literal(String text) implements Part {}

    /** {@code quoted}: inside a JSON string literal; {@code json}: the template is JSON. */
    private record Variable(String name, boolean quoted, boolean json) implements Part {}

    private final String source;
    private final List<Part> parts;
    private final Dialect dialect;
    private final boolean json;
    private final AtomicBoolean warned = new AtomicBoolean();

    private Template(String source, List<Part> parts, Dialect dialect, boolean json) {
        this.source = source;
        this.parts = parts;
        this.dialect = dialect;
        this.json = json;
    }

    /** A Pipes {@code InputTemplate}. */
    public static Template parse(String template) {
        return parse(template, Dialect.PIPE);
    }

    public static Template parse(String template, Dialect dialect) {
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
        return new Template(template, List.copyOf(parts), dialect, json);
    }

    /** The variable names used, in order of appearance (e.g. {@code $.data.id}, {@code aws.pipes.pipe-arn}). */
    public List<String> variables() {
        return parts.stream().filter(Variable.class::isInstance).map(p -> ((Variable) p).name()).toList();
    }

    /** Renders with {@code resolver} mapping a variable name to its value (empty when absent). */
    public String render(Function<String, Optional<JsonNode>> resolver) {
        StringBuilder out = new StringBuilder(source.length() + 64);
        List<String> surprises = new ArrayList<>(0);
        for (Part part : parts) {
            switch (part) {
                case Literal literal -> out.append(literal.text());
                case Variable variable -> {
                    Optional<JsonNode> value = resolver.apply(variable.name());
                    if (value.isEmpty()) {
                        if (dialect == Dialect.RULE) {
                            // §2.4: a variable whose path is missing "isn't created and will not appear in the output"
                            surprises.add("<" + variable.name() + "> has no value and renders nothing");
                        } else if (variable.json() && !variable.quoted()) {
                            out.append("null");
                        }
                        continue;
                    }
                    JsonNode v = value.get();
                    if (variable.json() && !variable.quoted()) {
                        out.append(write(v));
                    } else if (v.isContainerNode()) {
                        // §1.6/§2.4: AWS strips the quotes of a JSON object or array inserted into a string
                        out.append(write(v).replace("\"", ""));
                        surprises.add("<" + variable.name() + "> is a JSON " + (v.isObject() ? "object" : "array")
                                + " inside a string: AWS removes its quotes; leave the quotes off the placeholder to insert it as JSON");
                    } else {
                        String text = v.asText();
                        if (!variable.quoted() || dialect == Dialect.RULE) {
                            out.append(text); // §2.4: EventBridge does not escape values extracted by InputPath
                        } else {
                            out.append(escapeForString(text));
                        }
                    }
                }
            }
        }
        String rendered = out.toString();
        if (json && dialect == Dialect.RULE) {
            // §2.4: "the JSON that is passed to the target is minified"
            try {
                rendered = EXACT.writeValueAsString(EXACT.readTree(rendered));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                surprises.add("the result is not valid JSON (" + e.getOriginalMessage() + ")");
            }
        }
        if (!surprises.isEmpty() && warned.compareAndSet(false, true)) {
            LOG.warn("input template {}: {} — AWS renders it the same way (logged once per template)", source, String.join("; ", surprises));
        }
        return rendered;
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
