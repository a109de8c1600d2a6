package io.pipekit.pipes.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.pipekit.pipes.internal.LoopbackHttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Pipes REST-JSON API (docs/aws-behaviour.md §1.10) in front of a {@link PipesRuntime}, on a free
 * loopback port, so the SDK's {@code PipesClient} (and anything built on it) works unchanged:
 * {@code CreatePipe}, {@code DescribePipe}, {@code UpdatePipe}, {@code StartPipe}, {@code StopPipe},
 * {@code DeletePipe}, {@code ListPipes}, plus {@code TagResource}/{@code ListTagsForResource}.
 * Requests are not authenticated.
 */
public final class PipesApiServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PipesApiServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PipesRuntime runtime;
    private final Map<String, Map<String, String>> tags = new ConcurrentHashMap<>();
    private final LoopbackHttpServer http;

    private PipesApiServer(PipesRuntime runtime) {
        this.runtime = runtime;
        this.http = LoopbackHttpServer.start("Pipes", this::handle);
    }

    /** Serves {@code runtime} on 127.0.0.1 and a free port. */
    public static PipesApiServer start(PipesRuntime runtime) {
        return new PipesApiServer(runtime);
    }

    /** The endpoint URL, usable as {@code AWS_ENDPOINT_URL_PIPES}. */
    public URI endpoint() {
        return http.endpoint();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            try {
                JsonNode response = route(exchange);
                respond(exchange, 200, response, null);
            } catch (PipesApiException e) {
                ObjectNode body = JSON.createObjectNode().put("message", e.getMessage());
                respond(exchange, e.httpStatus(), body, e.errorType());
            } catch (RuntimeException e) {
                LOG.warn("local Pipes API failed on {} {}", exchange.getRequestMethod(), exchange.getRequestURI(), e);
                respond(exchange, 500, JSON.createObjectNode().put("message", e.toString()), "InternalException");
            }
        }
    }

    private JsonNode route(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getRawPath();
        List<String> segments = java.util.Arrays.stream(path.split("/")).filter(s -> !s.isEmpty())
                .map(s -> URLDecoder.decode(s, StandardCharsets.UTF_8)).toList();
        if (segments.size() >= 2 && segments.get(0).equals("v1") && segments.get(1).equals("pipes")) {
            if (segments.size() == 2 && method.equals("GET")) {
                return listPipes(query(exchange.getRequestURI()));
            }
            String name = segments.size() > 2 ? segments.get(2) : null;
            if (segments.size() == 3) {
                return switch (method) {
                    case "POST" -> summary(runtime.create(PipeDefinition.fromJson(name, body(exchange))));
                    case "GET" -> describe(runtime.describe(name));
                    case "PUT" -> summary(runtime.update(PipeDefinition.fromJson(name, body(exchange))));
                    case "DELETE" -> {
                        PipeDefinition.Description deleting = runtime.delete(name);
                        tags.remove(deleting.arn()); // a new pipe of the same name starts with its own tags
                        yield summary(deleting);
                    }
                    default -> throw unknown(method, path);
                };
            }
            if (segments.size() == 4 && method.equals("POST")) {
                return switch (segments.get(3)) {
                    case "start" -> summary(runtime.start(name));
                    case "stop" -> summary(runtime.stop(name));
                    default -> throw unknown(method, path);
                };
            }
        }
        if (segments.size() == 2 && segments.get(0).equals("tags")) {
            String arn = segments.get(1);
            Map<String, String> current = tagsOf(arn);
            switch (method) {
                case "POST" -> {
                    body(exchange).path("tags").properties().forEach(e -> current.put(e.getKey(), e.getValue().asText()));
                    return JSON.createObjectNode();
                }
                case "DELETE" -> {
                    // UntagResource: DELETE /tags/{resourceArn}?tagKeys=a&tagKeys=b (docs/aws-behaviour.md §1.10)
                    queryValues(exchange.getRequestURI(), "tagKeys").forEach(current::remove);
                    return JSON.createObjectNode();
                }
                case "GET" -> {
                    ObjectNode response = JSON.createObjectNode();
                    ObjectNode map = response.putObject("tags");
                    current.forEach(map::put);
                    return response;
                }
                default -> throw unknown(method, path);
            }
        }
        throw unknown(method, path);
    }

    /**
     * A pipe's tags: those of {@code CreatePipe}, then changed by TagResource/UntagResource. A pipe
     * that does not exist has none to change ({@code NotFoundException}).
     */
    private Map<String, String> tagsOf(String arn) {
        return tags.computeIfAbsent(arn, key -> {
            String name = key.substring(key.lastIndexOf('/') + 1);
            Map<String, String> initial = new ConcurrentHashMap<>();
            runtime.describe(name).definition().request().path("Tags").properties().forEach(e -> initial.put(e.getKey(), e.getValue().asText()));
            return initial;
        });
    }

    private static List<String> queryValues(URI uri, String name) {
        List<String> values = new java.util.ArrayList<>();
        String raw = uri.getRawQuery();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0 && URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8).equals(name)) {
                    values.add(URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return values;
    }

    /** ListPipes, filtered, sorted by name and paged by {@code Limit} (1–100) and an opaque {@code NextToken} (docs/aws-behaviour.md §1.10). */
    private JsonNode listPipes(Map<String, String> query) {
        int limit = 100;
        if (query.containsKey("Limit")) {
            try {
                limit = Integer.parseInt(query.get("Limit"));
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > 100) {
                throw PipesApiException.validation("1 validation error detected: Value '" + query.get("Limit")
                        + "' at 'limit' failed to satisfy constraint: Member must have value between 1 and 100");
            }
        }
        // the token is the name of the last pipe returned, base64-encoded so clients treat it as opaque
        String after = null;
        if (query.containsKey("NextToken")) {
            try {
                after = new String(java.util.Base64.getUrlDecoder().decode(query.get("NextToken")), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw PipesApiException.validation("The NextToken is not valid.");
            }
        }
        ObjectNode response = JSON.createObjectNode();
        ArrayNode list = response.putArray("Pipes");
        String last = null;
        boolean more = false;
        for (PipeDefinition.Description pipe : runtime.list()) {
            if (after != null && pipe.name().compareTo(after) <= 0) {
                continue;
            }
            if (!matches(query.get("NamePrefix"), pipe.name())
                    || !matches(query.get("SourcePrefix"), pipe.definition().source())
                    || !matches(query.get("TargetPrefix"), pipe.definition().target())
                    || (query.containsKey("DesiredState") && !query.get("DesiredState").equals(pipe.desiredState()))
                    || (query.containsKey("CurrentState") && !query.get("CurrentState").equals(pipe.currentState().name()))) {
                continue;
            }
            if (list.size() == limit) {
                more = true;
                break;
            }
            ObjectNode item = list.addObject();
            item.put("Name", pipe.name());
            item.put("Arn", pipe.arn());
            item.put("DesiredState", pipe.desiredState());
            item.put("CurrentState", pipe.currentState().name());
            if (pipe.stateReason() != null) {
                item.put("StateReason", pipe.stateReason());
            }
            item.put("CreationTime", epochSeconds(pipe.creationTime()));
            item.put("LastModifiedTime", epochSeconds(pipe.lastModifiedTime()));
            item.put("Source", pipe.definition().source());
            item.put("Target", pipe.definition().target());
            last = pipe.name();
        }
        if (more) {
            response.put("NextToken", java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(last.getBytes(StandardCharsets.UTF_8)));
        }
        return response;
    }

    private static boolean matches(String prefix, String value) {
        return prefix == null || (value != null && value.startsWith(prefix));
    }

    /** Create/Update/Start/Stop/Delete responses: {@code Arn, Name, DesiredState, CurrentState, CreationTime, LastModifiedTime}. */
    private static ObjectNode summary(PipeDefinition.Description pipe) {
        ObjectNode node = JSON.createObjectNode();
        node.put("Arn", pipe.arn());
        node.put("Name", pipe.name());
        node.put("DesiredState", pipe.desiredState());
        node.put("CurrentState", pipe.currentState().name());
        node.put("CreationTime", epochSeconds(pipe.creationTime()));
        node.put("LastModifiedTime", epochSeconds(pipe.lastModifiedTime()));
        return node;
    }

    private ObjectNode describe(PipeDefinition.Description pipe) {
        ObjectNode node = PipeSettings.described(pipe.definition());
        node.remove("Name");
        node.put("Arn", pipe.arn());
        node.put("Name", pipe.name());
        node.put("DesiredState", pipe.desiredState());
        node.put("CurrentState", pipe.currentState().name());
        if (pipe.stateReason() != null) {
            node.put("StateReason", pipe.stateReason());
        }
        node.put("CreationTime", epochSeconds(pipe.creationTime()));
        node.put("LastModifiedTime", epochSeconds(pipe.lastModifiedTime()));
        node.remove("Tags");
        Map<String, String> pipeTags = new HashMap<>(tagsOf(pipe.arn()));
        if (!pipeTags.isEmpty()) {
            ObjectNode tagNode = node.putObject("Tags");
            pipeTags.forEach(tagNode::put);
        }
        return node;
    }

    /** REST-JSON timestamps are epoch seconds as a JSON number. */
    private static BigDecimal epochSeconds(Instant instant) {
        return BigDecimal.valueOf(instant.toEpochMilli(), 3);
    }

    private static JsonNode body(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] bytes = in.readAllBytes();
            if (bytes.length == 0) {
                return JSON.createObjectNode();
            }
            try {
                return JSON.readTree(bytes);
            } catch (IOException e) {
                throw PipesApiException.validation("The request body is not valid JSON: " + e.getMessage());
            }
        }
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> query = new HashMap<>();
        String raw = uri.getRawQuery();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    query.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return query;
    }

    private static PipesApiException unknown(String method, String path) {
        return new PipesApiException("ValidationException", 400, "The local Pipes API does not serve " + method + " " + path);
    }

    private static void respond(HttpExchange exchange, int status, JsonNode body, String errorType) throws IOException {
        if (errorType != null) {
            exchange.getResponseHeaders().set("x-amzn-ErrorType", errorType);
        }
        LoopbackHttpServer.respond(exchange, status, "application/json", JSON.writeValueAsBytes(body));
    }

    @Override
    public void close() {
        http.close();
    }
}
