package io.pipekit.worker.protection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Calls {@code ${ECS_AGENT_URI}/task-protection/v1/state} (docs/aws-behaviour.md §5.1). Every call is
 * bounded by a short timeout and never throws: whatever happens comes back as an
 * {@link AgentResponse}, so a sick agent can slow protection down but never the worker.
 */
public final class TaskProtectionClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI stateUri;
    private final Duration timeout;
    private final HttpClient http;

    public TaskProtectionClient(URI agentUri, Duration timeout) {
        String base = agentUri.toString();
        this.stateUri = URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/task-protection/v1/state");
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1).build();
    }

    /**
     * PUT {@code {"ProtectionEnabled":…,"ExpiresInMinutes":…}}; a re-PUT while protected resets the
     * expiry, which is how protection is renewed. {@code ExpiresInMinutes} is sent only when enabling.
     */
    public AgentResponse put(boolean enabled, int expiresInMinutes) {
        ObjectNode body = JSON.createObjectNode().put("ProtectionEnabled", enabled);
        if (enabled) {
            body.put("ExpiresInMinutes", expiresInMinutes);
        }
        return call(HttpRequest.newBuilder(stateUri).timeout(timeout)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body.toString())).build());
    }

    public AgentResponse get() {
        return call(HttpRequest.newBuilder(stateUri).timeout(timeout).GET().build());
    }

    public URI stateUri() {
        return stateUri;
    }

    private AgentResponse call(HttpRequest request) {
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) { // HttpTimeoutException and ConnectException are IOExceptions
            return new AgentResponse.Unreachable(e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new AgentResponse.Unreachable("interrupted");
        }
        return parse(response.statusCode(), response.body());
    }

    static AgentResponse parse(int status, String body) {
        JsonNode root;
        try {
            root = JSON.readTree(body == null || body.isBlank() ? "{}" : body);
        } catch (IOException e) {
            return status == 200
                    ? new AgentResponse.Unreachable("HTTP 200 with a body that is not JSON")
                    : new AgentResponse.Error(status, "HTTP" + status, abbreviate(body));
        }
        if (status == 200 && root.hasNonNull("protection")) {
            JsonNode p = root.get("protection");
            return new AgentResponse.Protection(p.path("ProtectionEnabled").asBoolean(false),
                    instant(p.path("ExpirationDate")), p.path("TaskArn").asText(""));
        }
        // docs/aws-behaviour.md §5.1: an ECS-side failure is HTTP 200 too — check the body, not the status
        if (root.hasNonNull("failure")) {
            JsonNode f = root.get("failure");
            return new AgentResponse.Failure(f.path("Reason").asText("UNKNOWN"), f.path("Detail").isNull() ? null : f.path("Detail").asText(null));
        }
        if (root.hasNonNull("error")) {
            JsonNode e = root.get("error");
            return new AgentResponse.Error(status, e.path("Code").asText("Unknown"), e.path("Message").asText(""));
        }
        if (status == 200) {
            return new AgentResponse.Unreachable("HTTP 200 without protection or failure");
        }
        return new AgentResponse.Error(status, "HTTP" + status, abbreviate(body));
    }

    private static Optional<Instant> instant(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode() || node.asText().isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(node.asText()));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static String abbreviate(String body) {
        if (body == null) {
            return "";
        }
        return body.length() > 200 ? body.substring(0, 200) + "…" : body;
    }
}
