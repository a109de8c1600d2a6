package io.pipekit.it.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * An HTTP proxy on loopback in front of the SQS protocol server that injects faults per operation
 * (the {@code X-Amz-Target} of the AWS JSON protocol, e.g. {@code AmazonSQS.ChangeMessageVisibilityBatch}):
 * a stall (the request is held, then forwarded late, as a congested network would) or an error answer.
 * Everything else is forwarded unchanged.
 */
public final class FaultProxy implements AutoCloseable {

    /** What to do with one request of an operation. */
    public sealed interface Fault {}

    /** Hold the request this long, then forward it (the client has usually given up by then). */
    public record Stall(Duration duration) implements Fault {}

    /** Answer with this HTTP status and AWS JSON error code, without forwarding. */
    public record Error(int status, String code) implements Fault {}

    /** Decides the fault for a request of an operation; null = forward. */
    public interface Rule {
        Fault apply(String operation);
    }

    private static final Set<String> HOP_BY_HOP = Set.of("host", "content-length", "connection", "transfer-encoding",
            "expect", "upgrade", "keep-alive");

    private final HttpServer server;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(threads).build();
    private final URI target;
    private volatile Rule rule = operation -> null;
    private final AtomicInteger faults = new AtomicInteger();

    public FaultProxy(URI target) throws IOException {
        this.target = target;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public void rule(Rule value) {
        this.rule = value;
    }

    /** Faults injected so far. */
    public int faults() {
        return faults.get();
    }

    /** Stalls a random share of one operation's requests. */
    public static Rule stallAtRandom(String operation, double share, Duration stall, java.util.Random random) {
        return op -> {
            synchronized (random) {
                return op.equals(operation) && random.nextDouble() < share ? new Stall(stall) : null;
            }
        };
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String amzTarget = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            String operation = amzTarget == null ? "" : amzTarget.substring(amzTarget.indexOf('.') + 1);
            Fault fault = rule.apply(operation);
            if (fault != null) {
                faults.incrementAndGet();
            }
            if (fault instanceof Error(int status, String code)) {
                byte[] answer = ("{\"__type\":\"com.amazonaws.sqs#" + code + "\",\"message\":\"injected\"}").getBytes();
                exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.0");
                exchange.getResponseHeaders().set("x-amzn-query-error", code + ";Sender");
                exchange.sendResponseHeaders(status, answer.length);
                exchange.getResponseBody().write(answer);
                return;
            }
            if (fault instanceof Stall(Duration duration)) {
                Thread.sleep(duration);
            }
            HttpRequest.Builder forward = HttpRequest.newBuilder(target.resolve(exchange.getRequestURI().toString()))
                    .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body))
                    .timeout(Duration.ofSeconds(60));
            exchange.getRequestHeaders().forEach((name, values) -> {
                if (!HOP_BY_HOP.contains(name.toLowerCase())) {
                    values.forEach(v -> forward.header(name, v));
                }
            });
            HttpResponse<byte[]> response = client.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
            response.headers().map().forEach((name, values) -> {
                if (!HOP_BY_HOP.contains(name.toLowerCase()) && !name.startsWith(":")) {
                    exchange.getResponseHeaders().put(name, values);
                }
            });
            byte[] answer = response.body();
            exchange.sendResponseHeaders(response.statusCode(), answer.length == 0 ? -1 : answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the client hung up (its call timed out while we stalled): nothing to answer
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
