package io.pipekit.worker.health;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /health}: the {@link HealthReport} as JSON, HTTP 200 when healthy and 503 when a poller
 * has stalled — what a container {@code HEALTHCHECK} or a load balancer needs. Built on the JDK's
 * own HTTP server: no web framework in a queue worker.
 */
public final class HealthServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HealthServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final Supplier<HealthReport> report;

    private HealthServer(HttpServer server, Supplier<HealthReport> report) {
        this.server = server;
        this.report = report;
    }

    /** Listens on all interfaces (the container health check and ECS reach it from outside the JVM). */
    public static HealthServer start(int port, Supplier<HealthReport> report) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        HealthServer health = new HealthServer(server, report);
        server.createContext("/health", health::handle);
        server.start();
        log.info("health endpoint on http://0.0.0.0:{}/health", health.port());
        return health;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!exchange.getRequestURI().getPath().equals("/health")) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            HealthReport current = report.get();
            byte[] body;
            try {
                body = JSON.writeValueAsBytes(current);
            } catch (JsonProcessingException e) {
                body = ("{\"status\":\"" + current.status() + "\"}").getBytes(StandardCharsets.UTF_8);
            }
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            boolean head = "HEAD".equals(exchange.getRequestMethod());
            exchange.sendResponseHeaders(current.healthy() ? 200 : 503, head ? -1 : body.length);
            if (!head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
