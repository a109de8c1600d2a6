package io.pipekit.worker.sqsd;

import io.pipekit.worker.MessageHandler;
import io.pipekit.worker.QueueMessage;
import io.pipekit.worker.RetryLaterException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sqsd handler: POSTs each message to the local app and turns the answer into the engine's
 * outcomes — return (delete), {@link RetryLaterException} (429 + Retry-After) or an exception
 * (retry after backoff). See {@link ResponseOutcome} for the status rules and
 * {@link ForwardRequests} for the headers.
 *
 * <p>At most {@link SqsdConfig#maxConnections()} POSTs are in flight (EB's "HTTP connections"); the
 * engine's {@code maxConcurrency} bounds them too, and while a message waits for a connection the
 * engine's heartbeat keeps it invisible. Bodies are never logged.
 */
public final class SqsdForwarder implements MessageHandler, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SqsdForwarder.class);

    private final SqsdConfig config;
    private final ForwardRequests requests;
    private final HttpClient http;
    private final Semaphore connections;
    private final Clock clock;
    private final ExecutorService httpThreads = Executors.newVirtualThreadPerTaskExecutor();

    public SqsdForwarder(SqsdConfig config) {
        this(config, Clock.systemUTC());
    }

    SqsdForwarder(SqsdConfig config, Clock clock) {
        this.config = config;
        this.requests = new ForwardRequests(config);
        this.clock = clock;
        this.connections = new Semaphore(config.maxConnections(), true);
        this.http = HttpClient.newBuilder()
                // HTTP/1.1 only: an h2c upgrade attempt confuses small app servers, and a local hop gains nothing from h2
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(config.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(httpThreads)
                .build();
    }

    public SqsdConfig config() {
        return config;
    }

    @Override
    public void handle(QueueMessage message) throws Exception {
        Forward forward = requests.build(message);
        HttpRequest.Builder request = HttpRequest.newBuilder(forward.target())
                .timeout(config.inactivityTimeout())
                .POST(HttpRequest.BodyPublishers.ofByteArray(forward.body()));
        for (Map.Entry<String, String> header : forward.headers().entrySet()) {
            request.header(header.getKey(), header.getValue());
        }
        connections.acquire();
        int status;
        Map<String, List<String>> responseHeaders;
        try {
            HttpResponse<Void> response = exchange(request.build(), message);
            status = response.statusCode();
            responseHeaders = response.headers().map();
        } finally {
            connections.release();
        }
        ResponseOutcome outcome = ResponseOutcome.of(status,
                firstHeader(responseHeaders, "Retry-After"), config.successOnAny2xx(), clock.instant());
        switch (outcome) {
            case ResponseOutcome.Delete d -> log.debug("message {} → {} {}", message.messageId(), forward.target(), status);
            case ResponseOutcome.RetryAfter r -> throw new TooManyRequests(r.delay(),
                    message.messageId() + ": app answered 429 with Retry-After " + r.delay().toSeconds() + " s");
            case ResponseOutcome.Fail f -> throw new ForwardException(message.messageId() + ": " + f.reason() + " from " + forward.target());
        }
    }

    /** The whole exchange — connect, send, response headers and body — must finish within the inactivity timeout. */
    private HttpResponse<Void> exchange(HttpRequest request, QueueMessage message) throws InterruptedException, ForwardException {
        CompletableFuture<HttpResponse<Void>> call = http.sendAsync(request, HttpResponse.BodyHandlers.discarding());
        try {
            return call.get(config.inactivityTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            call.cancel(true);
            throw new ForwardException(message.messageId() + ": no response from " + request.uri() + " within the inactivity timeout "
                    + config.inactivityTimeout(), e);
        } catch (InterruptedException e) {
            call.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            String what = cause instanceof HttpTimeoutException ? "timed out" : "failed";
            throw new ForwardException(message.messageId() + ": POST to " + request.uri() + " " + what + ": " + cause, cause);
        }
    }

    private static Optional<String> firstHeader(Map<String, List<String>> headers, String name) {
        return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                .flatMap(e -> e.getValue().stream()).findFirst();
    }

    @Override
    public void close() {
        http.close();
        httpThreads.close();
    }

    /**
     * The app did not take the message (status, connection error, timeout): the engine retries it
     * after backoff. An expected outcome, not a bug, so it carries no stack trace — the engine's
     * failure log line stays one line.
     */
    public static final class ForwardException extends Exception {
        ForwardException(String message) {
            super(message, null, false, false);
        }

        ForwardException(String message, Throwable cause) {
            super(message, cause, false, false);
        }
    }

    /** The app's 429: retry after exactly its Retry-After. Stack-trace-free for the same reason. */
    static final class TooManyRequests extends RetryLaterException {
        TooManyRequests(Duration delay, String reason) {
            super(delay, reason);
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }
}
