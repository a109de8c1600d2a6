package io.pipekit.worker.sqsd.sample;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The kind of app sqsd mode serves: a plain HTTP server that knows nothing about SQS. It answers
 * {@code GET /health} with 200 and every POST with 200 — except a body containing {@code "busy"}
 * (429, Retry-After 30) and a body containing {@code "flaky"} (500 the first time, then 200).
 * It prints what arrives so the README can show the headers.
 *
 * <p>{@code java … io.pipekit.worker.sqsd.sample.SampleApp [port]} (default 8080).
 */
public final class SampleApp implements AutoCloseable {

    private final HttpServer server;
    private final AtomicInteger posts = new AtomicInteger();
    private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();

    public SampleApp(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::serve);
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** POSTs answered with 200 so far. */
    public int accepted() {
        return posts.get();
    }

    public static void main(String[] args) throws IOException {
        SampleApp app = new SampleApp(args.length > 0 ? Integer.parseInt(args[0]) : 8080);
        System.out.println("sample app listening on http://localhost:" + app.port() + "/");
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            if (exchange.getRequestMethod().equals("GET")) {
                exchange.sendResponseHeaders(exchange.getRequestURI().getPath().equals("/health") ? 200 : 404, -1);
                return;
            }
            int status = 200;
            String messageId = exchange.getRequestHeaders().getFirst("X-Aws-Sqsd-Msgid");
            if (body.contains("busy")) {
                status = 429;
                exchange.getResponseHeaders().add("Retry-After", "30");
            } else if (body.contains("flaky") && attempts.computeIfAbsent(messageId, id -> new AtomicInteger()).incrementAndGet() == 1) {
                status = 500;
            }
            StringBuilder out = new StringBuilder("app ← POST " + exchange.getRequestURI().getPath() + " → " + status + "\n");
            Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, String.join(",", values)));
            headers.forEach((name, value) -> {
                String lower = name.toLowerCase();
                if (lower.startsWith("x-aws-sqsd") || lower.startsWith("x-pipekit") || lower.equals("x-amzn-trace-id")
                        || lower.equals("user-agent") || lower.equals("content-type")) {
                    out.append("    ").append(canonical(name)).append(": ").append(value).append('\n');
                }
            });
            out.append("    body: ").append(body.length() > 200 ? body.substring(0, 200) + "…" : body).append('\n');
            System.out.print(out);
            if (status == 200) {
                posts.incrementAndGet();
            }
            exchange.sendResponseHeaders(status, -1);
        }
    }

    /** JDK HttpServer reports header names as "X-aws-sqsd-msgid"; names are case-insensitive, print them as sent. */
    private static String canonical(String name) {
        StringBuilder out = new StringBuilder();
        for (String part : name.split("-")) {
            if (!out.isEmpty()) {
                out.append('-');
            }
            out.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1).toLowerCase());
        }
        return out.toString();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
