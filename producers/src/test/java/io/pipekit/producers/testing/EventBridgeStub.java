package io.pipekit.producers.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A local HTTP server speaking the EventBridge AWS JSON 1.1 protocol for {@code PutEvents}
 * (docs/aws-behaviour.md §2.2): validates 1–10 entries and the required fields, answers HTTP 200 with
 * {@code FailedEntryCount} and one result per entry, and injects per-entry errors through a
 * policy. It stands in for the service because no EventBridge emulator runs here (docs/emulators.md §7);
 * the SDK's {@code EventBridgeClient} talks to it unchanged through {@code endpointOverride}.
 */
public final class EventBridgeStub implements AutoCloseable {

    /** What to answer for one entry: null = accept, else an AWS error code. */
    public interface FailurePolicy extends Function<Attempt, String> {}

    public record Attempt(JsonNode entry, int attemptOfThisEntry) {}

    public record Accepted(String eventBusName, String source, String detailType, String detail, String time) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private final LoopbackHttpServer server;
    private final FailurePolicy policy;
    private final List<Accepted> accepted = new CopyOnWriteArrayList<>();
    private final List<Integer> callSizes = new CopyOnWriteArrayList<>();
    private final java.util.Map<String, AtomicInteger> attempts = new java.util.concurrent.ConcurrentHashMap<>();
    private final Set<String> targets = java.util.Collections.synchronizedSet(new HashSet<>());

    public EventBridgeStub(FailurePolicy policy) throws IOException {
        this.policy = policy;
        this.server = new LoopbackHttpServer(this::handle);
    }

    public URI endpoint() {
        return server.endpoint();
    }

    public List<Accepted> accepted() {
        return List.copyOf(accepted);
    }

    public List<Integer> callSizes() {
        return List.copyOf(callSizes);
    }

    public Set<String> targetsSeen() {
        return Set.copyOf(targets);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String target = ex.getRequestHeaders().getFirst("X-Amz-Target");
            targets.add(target);
            JsonNode req = JSON.readTree(ex.getRequestBody().readAllBytes());
            if (!"AWSEvents.PutEvents".equals(target)) {
                reply(ex, 400, error("UnknownOperationException", "only PutEvents is served here"));
                return;
            }
            JsonNode entries = req.path("Entries");
            if (!entries.isArray() || entries.isEmpty() || entries.size() > 10) {
                reply(ex, 400, error("ValidationException", "Entries must hold 1 to 10 entries, got " + entries.size()));
                return;
            }
            callSizes.add(entries.size());
            ArrayNode results = JSON.createArrayNode();
            int failed = 0;
            List<Accepted> ok = new ArrayList<>();
            for (JsonNode e : entries) {
                String detail = e.path("Detail").asText(null);
                String code;
                if (e.path("Source").asText("").isEmpty() || e.path("DetailType").asText("").isEmpty() || detail == null) {
                    code = "InvalidArgument";
                } else if (!JSON.readTree(detail).isObject()) {
                    code = "MalformedDetail";
                } else {
                    int n = attempts.computeIfAbsent(detail, d -> new AtomicInteger()).incrementAndGet();
                    code = policy.apply(new Attempt(e, n));
                }
                if (code == null) {
                    results.addObject().put("EventId", UUID.randomUUID().toString());
                    ok.add(new Accepted(e.path("EventBusName").asText(null), e.path("Source").asText(),
                            e.path("DetailType").asText(), detail, e.path("Time").asText(null)));
                } else {
                    failed++;
                    results.addObject().put("ErrorCode", code).put("ErrorMessage", "injected by EventBridgeStub");
                }
            }
            accepted.addAll(ok);
            ObjectNode resp = JSON.createObjectNode();
            resp.put("FailedEntryCount", failed);
            resp.set("Entries", results);
            reply(ex, 200, resp);
        }
    }

    private static ObjectNode error(String type, String message) {
        ObjectNode n = JSON.createObjectNode();
        n.put("__type", type);
        n.put("message", message);
        return n;
    }

    private static void reply(HttpExchange ex, int status, ObjectNode body) throws IOException {
        LoopbackHttpServer.reply(ex, status, "application/x-amz-json-1.1", JSON.writeValueAsBytes(body));
    }

    @Override
    public void close() {
        server.close();
    }
}
