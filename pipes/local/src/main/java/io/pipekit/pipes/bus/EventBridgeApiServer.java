package io.pipekit.pipes.bus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.pipekit.pipes.internal.LoopbackHttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The EventBridge JSON 1.1 API ({@code X-Amz-Target: AWSEvents.<Operation>}) in front of a
 * {@link LocalEventBus}, on a free loopback port, so {@code EventBridgeClient} works unchanged.
 * Requests are not authenticated.
 */
public final class EventBridgeApiServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EventBridgeApiServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TARGET_PREFIX = "AWSEvents.";

    private final LocalEventBus bus;
    private final LoopbackHttpServer http;

    private EventBridgeApiServer(LocalEventBus bus) {
        this.bus = bus;
        this.http = LoopbackHttpServer.start("EventBridge", this::handle);
    }

    public static EventBridgeApiServer start(LocalEventBus bus) {
        return new EventBridgeApiServer(bus);
    }

    /** The endpoint URL, usable as {@code AWS_ENDPOINT_URL_EVENTBRIDGE}. */
    public URI endpoint() {
        return http.endpoint();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            if (!"POST".equals(exchange.getRequestMethod()) || target == null || !target.startsWith(TARGET_PREFIX)) {
                respond(exchange, 400, error("UnknownOperationException", "Expected a POST with X-Amz-Target: AWSEvents.<Operation>"));
                return;
            }
            try {
                JsonNode request;
                try (InputStream in = exchange.getRequestBody()) {
                    byte[] bytes = in.readAllBytes();
                    request = bytes.length == 0 ? JSON.createObjectNode() : JSON.readTree(bytes);
                } catch (IOException e) {
                    throw new EventBridgeApiException("SerializationException", "The request body is not valid JSON.");
                }
                if (!request.isObject()) {
                    throw new EventBridgeApiException("SerializationException", "The request body must be a JSON object.");
                }
                respond(exchange, 200, bus.handle(target.substring(TARGET_PREFIX.length()), (ObjectNode) request));
            } catch (EventBridgeApiException e) {
                respond(exchange, 400, error(e.errorType(), e.getMessage()));
            } catch (RuntimeException e) {
                LOG.warn("local EventBridge API failed on {}", target, e);
                respond(exchange, 500, error("InternalException", e.toString()));
            }
        }
    }

    private static ObjectNode error(String type, String message) {
        return JSON.createObjectNode().put("__type", type).put("message", message);
    }

    private static void respond(HttpExchange exchange, int status, JsonNode body) throws IOException {
        LoopbackHttpServer.respond(exchange, status, "application/x-amz-json-1.1", JSON.writeValueAsBytes(body));
    }

    @Override
    public void close() {
        http.close();
    }
}
