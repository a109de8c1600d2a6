package {{package}};

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {{name}} as a plain HTTP app: the pipekit worker runs beside it in sqsd mode (the Elastic Beanstalk
 * worker pattern), does all the queue work and POSTs each event to {@code /}. Answer 200 and the
 * message is deleted; any other status (or an exception here: 500) and it is retried after a backoff,
 * then dead-lettered. With {@code PIPEKIT_SQSD_BODY=decoded} the body is the event itself
 * ({{sourceDescription}}), not its envelope.
 */
public class {{Class}}App {

    private static final Logger LOG = LoggerFactory.getLogger({{Class}}App.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;

    public {{Class}}App(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/health", exchange -> answer(exchange, 200));
        server.createContext("/", this::receive);
        server.start();
    }

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "8080"));
        new {{Class}}App(port);
        LOG.info("{{name}} listening on 127.0.0.1:{}", port);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public void stop() {
        server.stop(0);
    }

    /** Your code, once per event (at least once: make it idempotent). Throw to have it retried. */
    protected void process({{Class}}Event event) {
        if (event.id() == null || event.id().isBlank()) {
            throw new IllegalArgumentException("an event without an id");
        }
        LOG.info("processed {} {}", event.type(), event.id());
    }

    private void receive(HttpExchange exchange) throws IOException {
        if (!"POST".equals(exchange.getRequestMethod())) {
            answer(exchange, 405);
            return;
        }
        try {
            process(parse(exchange.getRequestBody().readAllBytes()));
            answer(exchange, 200);
        } catch (Exception e) {
            LOG.warn("message {} failed: {}", exchange.getRequestHeaders().getFirst("X-Aws-Sqsd-Msgid"), e.toString());
            answer(exchange, 500);
        }
    }

    static {{Class}}Event parse(byte[] body) throws IOException {
{{sqsdParse}}
    }

    private static void answer(HttpExchange exchange, int status) throws IOException {
        exchange.sendResponseHeaders(status, -1);
        exchange.close();
    }
}
