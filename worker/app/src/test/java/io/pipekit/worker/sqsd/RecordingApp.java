package io.pipekit.worker.sqsd;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A real HTTP app on a loopback port (JDK HttpServer) standing in for the user's worker app: it
 * records every request and answers with whatever {@link #respond} says, and counts how many
 * requests it is serving at the same moment.
 */
final class RecordingApp implements AutoCloseable {

    record Request(String method, String path, Map<String, String> headers, byte[] body, int number) {
        String header(String name) {
            return headers.get(name.toLowerCase());
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    record Response(int status, Map<String, String> headers, Runnable before) {
        static Response status(int status) {
            return new Response(status, Map.of(), () -> {});
        }
    }

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger serving = new AtomicInteger();
    private final AtomicInteger counter = new AtomicInteger();
    private final AtomicInteger mostServing = new AtomicInteger();
    private volatile Function<Request, Response> responder = r -> Response.status(200);

    RecordingApp() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::serve);
        server.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    RecordingApp respond(Function<Request, Response> responder) {
        this.responder = responder;
        return this;
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    int mostServedAtOnce() {
        return mostServing.get();
    }

    private void serve(HttpExchange exchange) throws IOException {
        int now = serving.incrementAndGet();
        mostServing.accumulateAndGet(now, Math::max);
        boolean counted = true;
        try (exchange; InputStream in = exchange.getRequestBody()) {
            Map<String, String> headers = new TreeMap<>();
            Headers h = exchange.getRequestHeaders();
            h.forEach((name, values) -> headers.put(name.toLowerCase(), String.join(",", values)));
            Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), headers, in.readAllBytes(),
                    counter.incrementAndGet());
            requests.add(request);
            Response response = responder.apply(request);
            response.before().run();
            // done serving before the answer goes out: a client that has its answer may send the next
            // request at once, and this thread must not still count the one it answered
            serving.decrementAndGet();
            counted = false;
            response.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
            exchange.sendResponseHeaders(response.status(), -1);
        } finally {
            if (counted) {
                serving.decrementAndGet();
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
