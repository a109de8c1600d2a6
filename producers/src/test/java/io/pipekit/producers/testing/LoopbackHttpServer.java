package io.pipekit.producers.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.Executors;

/**
 * The HTTP server under this package's protocol stand-ins ({@link EventBridgeStub}, {@link SnsStub},
 * {@link FaultInjectingProxy}): a free 127.0.0.1 port, one virtual thread per exchange, every path
 * to one handler. The SDK clients under test reach it through {@code endpointOverride(endpoint())}.
 */
final class LoopbackHttpServer implements AutoCloseable {

    private final HttpServer server;

    LoopbackHttpServer(HttpHandler handler) throws IOException {
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", handler);
        server.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Sends a complete response; the caller closes the exchange. */
    static void reply(HttpExchange ex, int status, String contentType, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.sendResponseHeaders(status, body.length);
        ex.getResponseBody().write(body);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
