package io.pipekit.local;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One port for every service of a {@link LocalCloud}, as LocalStack's 4566: a reverse proxy that
 * routes each request by its SigV4 signing service, {@code X-Amz-Target} or path ({@link ServiceRouter})
 * to the per-service server, which stays reachable on its own port. Bodies are streamed both ways and
 * passed through untouched, so every wire protocol works (JSON 1.0/1.1, REST-JSON, the SQS query
 * protocol, Kinesis CBOR). The client's {@code Host} header is kept, so the queue URLs SQS returns
 * name this endpoint rather than ElasticMQ's own port.
 *
 * <p>{@code GET /_pipekit/health} answers which services run, for {@code pipekit local status} and
 * for container health checks.
 */
final class LocalEndpoint implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalEndpoint.class);
    static final int DEFAULT_PORT = 4566;
    static final String HEALTH_PATH = io.pipekit.pipes.provision.AwsClients.LOCAL_HEALTH_PATH;
    /** Hop-by-hop headers (RFC 9110 §7.6.1) and the framing headers each side sets itself. */
    private static final Set<String> NOT_FORWARDED = Set.of("connection", "keep-alive", "proxy-connection", "te", "trailer",
            "transfer-encoding", "upgrade", "content-length", "expect", "host", "http2-settings", "date");
    private static final boolean HOST_FORWARDABLE = allowHostHeader();
    /** The SQS actions whose responses carry queue URLs. */
    private static final Set<String> QUEUE_URL_ACTIONS = Set.of("CreateQueue", "GetQueueUrl", "ListQueues", "ListDeadLetterSourceQueues");

    private final HttpServer server;
    private final ExecutorService executor;
    private final HttpClient client;
    private volatile Map<LocalService, URI> backends = Map.of();

    private LocalEndpoint(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .executor(executor)
                .build();
    }

    /**
     * Binds {@code host:port} now (0 = a free port), before any emulator starts, so a taken port fails
     * fast with one clear line; requests are answered once {@link #serve} is called.
     */
    static LocalEndpoint bind(String host, int port) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 256);
        } catch (BindException e) {
            throw new PortInUseException(host, port);
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        LocalEndpoint endpoint = new LocalEndpoint(server, executor);
        server.createContext("/", endpoint::handle);
        return endpoint;
    }

    /** Starts answering: requests for a service in {@code backends} go to its URL. */
    void serve(Map<LocalService, URI> backends) {
        this.backends = Map.copyOf(backends);
        server.start();
        if (!HOST_FORWARDABLE) {
            LOG.debug("java.net.http was loaded before pipekit could allow the Host header; SQS queue URLs are rewritten instead");
        }
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** The URL clients use: {@code localhost} for a loopback or wildcard bind, else the bound address. */
    URI uri() {
        InetSocketAddress address = server.getAddress();
        String host = address.getAddress().isLoopbackAddress() || address.getAddress().isAnyLocalAddress()
                ? "localhost" : address.getAddress().getHostAddress();
        return URI.create("http://" + host + ":" + address.getPort());
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Headers headers = exchange.getRequestHeaders();
            URI uri = exchange.getRequestURI();
            if (HEALTH_PATH.equals(uri.getPath())) {
                health(exchange);
                return;
            }
            ServiceRouter.Request request = new ServiceRouter.Request(exchange.getRequestMethod(), uri.getRawPath(), uri.getRawQuery(),
                    headers.getFirst("Authorization"), headers.getFirst("X-Amz-Target"), headers.getFirst("Content-Type"));
            Optional<LocalService> service = ServiceRouter.route(request);
            URI backend = service.map(backends::get).orElse(null);
            if (backend == null) {
                String named = ServiceRouter.signingService(request.authorization()).orElse(request.target());
                String message = "pipekit local does not run " + (named == null ? "the service this request is for (no SigV4 scope,"
                        + " X-Amz-Target or known path)" : "'" + named + "'") + "; it runs " + backends.keySet();
                error(exchange, 400, "UnknownServiceException", message);
                return;
            }
            forward(exchange, backend, service.get());
        }
    }

    private void forward(HttpExchange exchange, URI backend, LocalService service) throws IOException {
        URI uri = exchange.getRequestURI();
        URI target = URI.create(backend + uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
        Headers in = exchange.getRequestHeaders();
        String length = in.getFirst("Content-Length");
        InputStream body = exchange.getRequestBody();
        String host = in.getFirst("Host");
        byte[] buffered = null;
        boolean rewriteQueueUrls = false;
        if (service == LocalService.SQS && !HOST_FORWARDABLE && host != null) {
            // Host could not be forwarded: name this endpoint in the queue URLs of the few actions that
            // return them, by rewriting ElasticMQ's own address in their (small) responses
            String amzTarget = in.getFirst("X-Amz-Target");
            String action;
            if (amzTarget != null) {
                action = amzTarget.substring(amzTarget.indexOf('.') + 1);
            } else {
                buffered = body.readAllBytes();
                String form = new String(buffered, StandardCharsets.UTF_8) + "&" + (uri.getRawQuery() == null ? "" : uri.getRawQuery());
                action = form.replaceFirst("(?s).*?(?:^|&)Action=([A-Za-z]+).*", "$1");
            }
            rewriteQueueUrls = QUEUE_URL_ACTIONS.contains(action);
        }
        HttpRequest.BodyPublisher publisher = buffered != null ? HttpRequest.BodyPublishers.ofByteArray(buffered)
                : length != null
                ? HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> body), Long.parseLong(length))
                : in.containsKey("Transfer-Encoding") ? HttpRequest.BodyPublishers.ofInputStream(() -> body) : HttpRequest.BodyPublishers.noBody();
        if ("0".equals(length)) {
            publisher = HttpRequest.BodyPublishers.noBody();
        }
        HttpRequest.Builder builder = HttpRequest.newBuilder(target).method(exchange.getRequestMethod(), publisher);
        in.forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (!NOT_FORWARDED.contains(lower)) {
                values.forEach(value -> builder.header(name, value));
            }
        });
        if (HOST_FORWARDABLE && host != null) {
            builder.header("Host", host);
        }
        HttpResponse<InputStream> response;
        try {
            response = client.send(builder.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (ConnectException e) {
            error(exchange, 503, "ServiceUnavailableException", service + " at " + backend + " is not answering");
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            error(exchange, 503, "ServiceUnavailableException", "interrupted while forwarding to " + service);
            return;
        }
        Headers out = exchange.getResponseHeaders();
        response.headers().map().forEach((name, values) -> {
            if (!name.startsWith(":") && !NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT))) {
                out.put(name, values);
            }
        });
        if (rewriteQueueUrls) {
            byte[] rewritten;
            try (InputStream from = response.body()) {
                rewritten = new String(from.readAllBytes(), StandardCharsets.UTF_8)
                        .replace(backend.toString(), "http://" + host).getBytes(StandardCharsets.UTF_8);
            }
            exchange.sendResponseHeaders(response.statusCode(), rewritten.length == 0 ? -1 : rewritten.length);
            try (OutputStream to = exchange.getResponseBody()) {
                to.write(rewritten);
            }
            return;
        }
        long responseLength = response.headers().firstValueAsLong("Content-Length").orElse(-1);
        boolean noBody = exchange.getRequestMethod().equals("HEAD") || response.statusCode() == 204 || response.statusCode() == 304;
        try (InputStream from = response.body()) {
            if (noBody || responseLength == 0) {
                exchange.sendResponseHeaders(response.statusCode(), -1);
                from.transferTo(OutputStream.nullOutputStream());
                return;
            }
            // a known length is passed on; otherwise chunked (the JDK server's 0)
            exchange.sendResponseHeaders(response.statusCode(), Math.max(0, responseLength));
            try (OutputStream to = exchange.getResponseBody()) {
                from.transferTo(to);
            }
        }
    }

    private void health(HttpExchange exchange) throws IOException {
        String services = backends.keySet().stream()
                .map(service -> "\"" + service.name().toLowerCase(Locale.ROOT) + "\":\"running\"")
                .collect(Collectors.joining(","));
        byte[] body = ("{\"services\":{" + services + "},\"endpoint\":\"" + uri() + "\"}").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** An error in the shape of the AWS JSON protocols, which every SDK parses into its exception type. */
    private static void error(HttpExchange exchange, int status, String type, String message) throws IOException {
        byte[] body = ("{\"__type\":\"" + type + "\",\"message\":\"" + message.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.0");
        exchange.getResponseHeaders().set("x-amzn-ErrorType", type);
        exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /**
     * java.net.http refuses a {@code Host} header unless {@code jdk.httpclient.allowRestrictedHeaders}
     * names it when the client classes load; set it here, first, and check it took.
     */
    private static boolean allowHostHeader() {
        String allowed = System.getProperty("jdk.httpclient.allowRestrictedHeaders", "");
        if (!List.of(allowed.toLowerCase(Locale.ROOT).split(",")).contains("host")) {
            System.setProperty("jdk.httpclient.allowRestrictedHeaders", allowed.isBlank() ? "host" : allowed + ",host");
        }
        try {
            HttpRequest.newBuilder(URI.create("http://localhost/")).header("Host", "localhost");
            return true;
        } catch (IllegalArgumentException restricted) {
            return false;
        }
    }

    @Override
    public void close() {
        // no waiting for open long polls: they end with the backends, which stop next
        server.stop(0);
        client.shutdownNow();
        executor.shutdownNow();
    }

    /** The endpoint's port is taken: one line that says what to do, no stack trace worth reading. */
    static final class PortInUseException extends IllegalStateException {
        PortInUseException(String host, int port) {
            super("port " + port + " on " + host + " is already in use (another `pipekit local` or LocalStack?): stop it, or pass --port <n> (0 = any free port)");
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }
}
