package io.pipekit.producers.testing;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local HTTP server speaking the SNS AWS Query protocol for {@code PublishBatch} (form-encoded
 * request, XML response with per-entry {@code Successful}/{@code Failed}). No SNS emulator runs
 * here; the SDK's {@code SnsClient} talks to this unchanged through {@code endpointOverride}.
 * Every {@code failOneIn}-th message fails its first attempt with {@code InternalError}
 * ({@code SenderFault=false}).
 */
public final class SnsStub implements AutoCloseable {

    public record Published(String topicArn, String message, String eventType, String groupId) {}

    private final LoopbackHttpServer server;
    private final int failOneIn;
    private final List<Published> published = new CopyOnWriteArrayList<>();
    private final List<Integer> callSizes = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
    private final AtomicInteger injected = new AtomicInteger();

    public SnsStub(int failOneIn) throws IOException {
        this.failOneIn = failOneIn;
        this.server = new LoopbackHttpServer(this::handle);
    }

    public URI endpoint() {
        return server.endpoint();
    }

    public List<Published> published() {
        return List.copyOf(published);
    }

    public List<Integer> callSizes() {
        return List.copyOf(callSizes);
    }

    public int injected() {
        return injected.get();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            Map<String, String> form = new TreeMap<>();
            for (String pair : new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8).split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
            if (!"PublishBatch".equals(form.get("Action"))) {
                reply(ex, 400, "<ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>only PublishBatch</Message></Error></ErrorResponse>");
                return;
            }
            String topic = form.get("TopicArn");
            StringBuilder ok = new StringBuilder();
            StringBuilder failed = new StringBuilder();
            int n = 0;
            for (int i = 1; form.containsKey("PublishBatchRequestEntries.member." + i + ".Id"); i++, n++) {
                String p = "PublishBatchRequestEntries.member." + i + ".";
                String id = form.get(p + "Id");
                String message = form.get(p + "Message");
                int attempt = attempts.computeIfAbsent(message, m -> new AtomicInteger()).incrementAndGet();
                if (attempt == 1 && Math.floorMod(message.hashCode(), failOneIn) == 0) {
                    injected.incrementAndGet();
                    failed.append("<member><Id>").append(id).append("</Id><Code>InternalError</Code>")
                            .append("<Message>injected by SnsStub</Message><SenderFault>false</SenderFault></member>");
                    continue;
                }
                String type = form.get(p + "MessageAttributes.entry.1.Name") != null
                        ? form.get(p + "MessageAttributes.entry.1.Value.StringValue") : null;
                published.add(new Published(topic, message, type, form.get(p + "MessageGroupId")));
                ok.append("<member><Id>").append(id).append("</Id><MessageId>").append(UUID.randomUUID())
                        .append("</MessageId></member>");
            }
            callSizes.add(n);
            reply(ex, 200, "<PublishBatchResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><PublishBatchResult>"
                    + "<Successful>" + ok + "</Successful><Failed>" + failed + "</Failed></PublishBatchResult>"
                    + "<ResponseMetadata><RequestId>" + UUID.randomUUID() + "</RequestId></ResponseMetadata></PublishBatchResponse>");
        }
    }

    private static void reply(HttpExchange ex, int status, String xml) throws IOException {
        LoopbackHttpServer.reply(ex, status, "text/xml", xml.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        server.close();
    }
}
