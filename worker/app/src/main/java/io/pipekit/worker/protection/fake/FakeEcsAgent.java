package io.pipekit.worker.protection.fake;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;

/**
 * A local stand-in for the ECS agent's task-protection endpoint (docs/aws-behaviour.md §5.1), for tests and
 * the local demo: the same route, request validation and response bodies (including the HTTP 200
 * {@code failure} shape), plus injected faults and a record of every call.
 *
 * <p>Run it alone with {@code java -cp worker-all.jar io.pipekit.worker.protection.fake.FakeEcsAgent [port]}
 * and start the worker with the printed {@code ECS_AGENT_URI}; {@code GET} the state URL to see the
 * protection follow the worker.
 */
public final class FakeEcsAgent implements AutoCloseable {

    /** Answers the agent can give instead of success (docs/aws-behaviour.md §5.1 table). */
    public enum Fault {
        /** HTTP 200 {@code failure} TASK_NOT_VALID: a standalone task, not part of a service. */
        TASK_NOT_VALID,
        /** HTTP 200 {@code failure} DEPLOYMENT_BLOCKED: more protected tasks than desired. */
        DEPLOYMENT_BLOCKED,
        /** HTTP 400 ThrottlingException "Rate exceeded" passed through from ECS. */
        THROTTLED,
        /** HTTP 403: no task IAM role credentials. */
        NO_CREDENTIALS,
        /** HTTP 504 RequestCanceled: the agent timed out calling ECS. */
        TIMEOUT_504,
        /** HTTP 500 ServerException. */
        SERVER_ERROR,
        /** No answer for 30 s: the client's own timeout must fire. */
        HANG
    }

    /** One request as received. */
    public record Call(Instant at, String method, Optional<Boolean> protectionEnabled, int status) {}

    private static final String ROUTE = "/task-protection/v1/state";
    private static final String TASK_ARN = "arn:aws:ecs:us-east-1:000000000000:task/local-cluster/0123456789abcdef0";
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final HttpServer server;
    private final String containerPath = "/api/" + UUID.randomUUID().toString().substring(0, 8) + "-local";
    private final ArrayDeque<Fault> faults = new ArrayDeque<>();
    private final List<Call> calls = new ArrayList<>();
    private boolean protectionEnabled;
    private Instant expiration;

    private FakeEcsAgent(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    /** Starts on a free loopback port. */
    public static FakeEcsAgent start() {
        return start(0);
    }

    public static FakeEcsAgent start(int port) {
        try {
            return new FakeEcsAgent(port);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the fake ECS agent on port " + port, e);
        }
    }

    /** What ECS injects as {@code ECS_AGENT_URI} (the state URL is this plus {@value #ROUTE}). */
    public URI agentUri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + containerPath);
    }

    /** The next requests get these answers, in order, instead of being served. */
    public synchronized void inject(Fault... next) {
        faults.addAll(List.of(next));
    }

    public synchronized List<Call> calls() {
        return List.copyOf(calls);
    }

    /** PUTs that asked for {@code ProtectionEnabled} = {@code enabled}, answered or not. */
    public synchronized long puts(boolean enabled) {
        return calls.stream().filter(c -> c.method().equals("PUT") && c.protectionEnabled().equals(Optional.of(enabled))).count();
    }

    public synchronized long puts() {
        return calls.stream().filter(c -> c.method().equals("PUT")).count();
    }

    public synchronized boolean protectedNow() {
        return protectionEnabled && expiration != null && Instant.now().isBefore(expiration);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            if (!path.equals(containerPath + ROUTE)) {
                record(method, Optional.empty(), 404);
                send(exchange, 404, error("ResourceNotFoundException", "no such route " + path));
                return;
            }
            byte[] body = exchange.getRequestBody().readAllBytes();
            Optional<Boolean> asked = Optional.empty();
            if (method.equals("PUT")) {
                try {
                    JsonNode request = JSON.readTree(body);
                    if (request != null && request.has("ProtectionEnabled")) {
                        asked = Optional.of(request.get("ProtectionEnabled").asBoolean());
                    }
                } catch (IOException ignored) {
                    // answered below by validation
                }
            }
            Fault fault;
            synchronized (this) {
                fault = faults.poll();
            }
            if (fault != null) {
                answerFault(exchange, method, asked, fault);
                return;
            }
            switch (method) {
                case "GET" -> {
                    record(method, asked, 200);
                    send(exchange, 200, protectionBody());
                }
                case "PUT" -> put(exchange, body, asked);
                default -> {
                    record(method, asked, 405);
                    send(exchange, 405, error("InvalidParameterException", "method not allowed"));
                }
            }
        }
    }

    private void put(HttpExchange exchange, byte[] body, Optional<Boolean> asked) throws IOException {
        JsonNode request;
        try {
            request = JSON.readTree(body);
            Set<String> allowed = Set.of("ProtectionEnabled", "ExpiresInMinutes");
            for (Iterator<String> names = request.fieldNames(); names.hasNext(); ) {
                if (!allowed.contains(names.next())) {
                    throw new IOException("unknown field"); // the agent decodes with DisallowUnknownFields
                }
            }
        } catch (IOException | RuntimeException e) {
            record("PUT", asked, 400);
            send(exchange, 400, error("InvalidParameterException", "UpdateTaskProtection: failed to decode request"));
            return;
        }
        if (!request.has("ProtectionEnabled") || !request.get("ProtectionEnabled").isBoolean()) {
            record("PUT", asked, 400);
            send(exchange, 400, error("InvalidParameterException", "Invalid request: does not contain 'ProtectionEnabled' field"));
            return;
        }
        boolean enable = request.get("ProtectionEnabled").asBoolean();
        int minutes = request.has("ExpiresInMinutes") ? request.get("ExpiresInMinutes").asInt() : 120; // ECS default
        if (enable && (minutes < 1 || minutes > 2880)) {
            record("PUT", asked, 400);
            send(exchange, 400, error("InvalidParameterException", "expiresInMinutes must be between 1 and 2880"));
            return;
        }
        synchronized (this) {
            protectionEnabled = enable;
            expiration = enable ? Instant.now().plus(Duration.ofMinutes(minutes)).truncatedTo(ChronoUnit.SECONDS) : null;
        }
        record("PUT", asked, 200);
        send(exchange, 200, protectionBody());
    }

    private void answerFault(HttpExchange exchange, String method, Optional<Boolean> asked, Fault fault) throws IOException {
        switch (fault) {
            case TASK_NOT_VALID, DEPLOYMENT_BLOCKED -> {
                record(method, asked, 200);
                ObjectNode failure = JSON.createObjectNode();
                failure.putObject("failure").put("Arn", TASK_ARN).putNull("Detail").put("Reason", fault.name());
                send(exchange, 200, failure.toString());
            }
            case THROTTLED -> {
                record(method, asked, 400);
                send(exchange, 400, requestError("ThrottlingException", "Rate exceeded"));
            }
            case NO_CREDENTIALS -> {
                record(method, asked, 403);
                send(exchange, 403, error("AccessDeniedException", "Invalid Request: no task IAM role credentials available for task"));
            }
            case TIMEOUT_504 -> {
                record(method, asked, 504);
                send(exchange, 504, requestError("RequestCanceled", "Timed out calling Amazon ECS Task Protection API"));
            }
            case SERVER_ERROR -> {
                record(method, asked, 500);
                send(exchange, 500, error("ServerException", "Task protection: more than one failure"));
            }
            case HANG -> {
                record(method, asked, 0);
                try {
                    Thread.sleep(Duration.ofSeconds(30));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private synchronized String protectionBody() {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode protection = root.putObject("protection");
        if (protectionEnabled && expiration != null) {
            protection.put("ExpirationDate", expiration.toString());
        } else {
            protection.putNull("ExpirationDate");
        }
        protection.put("ProtectionEnabled", protectionEnabled).put("TaskArn", TASK_ARN);
        return root.toString();
    }

    private static String error(String code, String message) {
        ObjectNode root = JSON.createObjectNode();
        root.putObject("error").put("Arn", TASK_ARN).put("Code", code).put("Message", message);
        return root.toString();
    }

    /** An error passed through from the ECS API carries its request id. */
    private static String requestError(String code, String message) {
        ObjectNode root = JSON.createObjectNode().put("requestID", UUID.randomUUID().toString());
        root.putObject("error").put("Arn", TASK_ARN).put("Code", code).put("Message", message);
        return root.toString();
    }

    private synchronized void record(String method, Optional<Boolean> asked, int status) {
        calls.add(new Call(Instant.now(), method, asked, status));
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }

    /** The local demo: {@code FakeEcsAgent [port]} prints the {@code ECS_AGENT_URI} to give the worker. */
    public static void main(String[] args) throws InterruptedException {
        FakeEcsAgent agent = start(args.length > 0 ? Integer.parseInt(args[0]) : 0);
        System.out.println("ECS_AGENT_URI=" + agent.agentUri());
        System.out.println("watch it: curl " + agent.agentUri() + ROUTE);
        new CountDownLatch(1).await();
    }
}
