package io.pipekit.producers.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP proxy in front of a real emulator that makes some entries fail on their first attempt,
 * the way the services do under load: Kinesis {@code PutRecords} records come back with
 * {@code ProvisionedThroughputExceededException} at their position, DynamoDB
 * {@code BatchWriteItem} puts come back in {@code UnprocessedItems}. Withheld entries are never
 * forwarded, so a record reaching the emulator twice is a producer bug. JSON protocols only (the
 * Kinesis client under test must have CBOR off). Other calls pass through unchanged.
 */
public final class FaultInjectingProxy implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> RESTRICTED = Set.of("host", "content-length", "connection", "expect", "upgrade",
            "transfer-encoding");

    private final LoopbackHttpServer server;
    private final URI upstream;
    private final int failOneIn;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final Set<String> seen = new HashSet<>();
    private final AtomicInteger injected = new AtomicInteger();

    /** Fails the first attempt of roughly one entry in {@code failOneIn}. */
    public FaultInjectingProxy(URI upstream, int failOneIn) throws IOException {
        this.upstream = upstream;
        this.failOneIn = failOneIn;
        this.server = new LoopbackHttpServer(this::handle);
    }

    public URI endpoint() {
        return server.endpoint();
    }

    /** Entries failed on purpose so far. */
    public int injected() {
        return injected.get();
    }

    private synchronized boolean failFirstAttempt(String identity) {
        return seen.add(identity) && Math.floorMod(identity.hashCode(), failOneIn) == 0;
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] body = ex.getRequestBody().readAllBytes();
            String target = ex.getRequestHeaders().getFirst("X-Amz-Target");
            byte[] response;
            int status;
            if ("Kinesis_20131202.PutRecords".equals(target)) {
                response = putRecords(ex, body);
                status = 200;
            } else if ("DynamoDB_20120810.BatchWriteItem".equals(target)) {
                response = batchWriteItem(ex, body);
                status = 200;
            } else {
                HttpResponse<byte[]> r = forward(ex, body);
                response = r.body();
                status = r.statusCode();
                r.headers().firstValue("Content-Type").ifPresent(v -> ex.getResponseHeaders().set("Content-Type", v));
                r.headers().firstValue("x-amz-crc32").ifPresent(v -> ex.getResponseHeaders().set("x-amz-crc32", v));
            }
            ex.sendResponseHeaders(status, response.length == 0 ? -1 : response.length);
            ex.getResponseBody().write(response);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private byte[] putRecords(HttpExchange ex, byte[] body) throws IOException, InterruptedException {
        ObjectNode req = (ObjectNode) JSON.readTree(body);
        ArrayNode records = (ArrayNode) req.get("Records");
        boolean[] fail = new boolean[records.size()];
        ArrayNode forwarded = JSON.createArrayNode();
        for (int i = 0; i < records.size(); i++) {
            fail[i] = failFirstAttempt(records.get(i).get("Data").asText());
            if (!fail[i]) forwarded.add(records.get(i));
        }
        JsonNode upstreamRecords = JSON.createArrayNode();
        int failed = 0;
        if (!forwarded.isEmpty()) {
            req.set("Records", forwarded);
            HttpResponse<byte[]> r = forward(ex, JSON.writeValueAsBytes(req));
            if (r.statusCode() != 200) throw new IOException("upstream PutRecords: " + r.statusCode() + " " + new String(r.body()));
            JsonNode resp = JSON.readTree(r.body());
            upstreamRecords = resp.get("Records");
            failed = resp.path("FailedRecordCount").asInt();
        }
        ArrayNode merged = JSON.createArrayNode();
        Iterator<JsonNode> up = upstreamRecords.iterator();
        for (boolean f : fail) {
            if (f) {
                injected.incrementAndGet();
                failed++;
                merged.addObject().put("ErrorCode", "ProvisionedThroughputExceededException")
                        .put("ErrorMessage", "Rate exceeded for shard shardId-000000000000 (injected by test proxy)");
            } else {
                merged.add(up.next());
            }
        }
        ObjectNode out = JSON.createObjectNode();
        out.put("FailedRecordCount", failed);
        out.set("Records", merged);
        ex.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
        return JSON.writeValueAsBytes(out);
    }

    private byte[] batchWriteItem(HttpExchange ex, byte[] body) throws IOException, InterruptedException {
        ObjectNode req = (ObjectNode) JSON.readTree(body);
        ObjectNode items = (ObjectNode) req.get("RequestItems");
        ObjectNode withheld = JSON.createObjectNode();
        ObjectNode forwarded = JSON.createObjectNode();
        int forwardedCount = 0;
        for (Map.Entry<String, JsonNode> table : items.properties()) {
            for (JsonNode write : table.getValue()) {
                if (failFirstAttempt(write.toString())) {
                    injected.incrementAndGet();
                    withheld.withArray(table.getKey()).add(write);
                } else {
                    forwarded.withArray(table.getKey()).add(write);
                    forwardedCount++;
                }
            }
        }
        ObjectNode out = JSON.createObjectNode();
        ObjectNode unprocessed = out.putObject("UnprocessedItems");
        if (forwardedCount > 0) {
            req.set("RequestItems", forwarded);
            HttpResponse<byte[]> r = forward(ex, JSON.writeValueAsBytes(req));
            if (r.statusCode() != 200) throw new IOException("upstream BatchWriteItem: " + r.statusCode() + " " + new String(r.body()));
            JsonNode resp = JSON.readTree(r.body());
            resp.path("UnprocessedItems").properties().forEach(e -> e.getValue().forEach(w -> unprocessed.withArray(e.getKey()).add(w)));
        }
        withheld.properties().forEach(e -> e.getValue().forEach(w -> unprocessed.withArray(e.getKey()).add(w)));
        ex.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.0");
        return JSON.writeValueAsBytes(out); // no x-amz-crc32: the body changed, and the SDK checks it only when present
    }

    private HttpResponse<byte[]> forward(HttpExchange ex, byte[] body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(upstream.resolve(ex.getRequestURI()))
                .method(ex.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
        for (Map.Entry<String, List<String>> h : ex.getRequestHeaders().entrySet()) {
            if (RESTRICTED.contains(h.getKey().toLowerCase())) continue;
            for (String v : h.getValue()) b.header(h.getKey(), v);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Override
    public void close() {
        server.close();
        http.close();
    }
}
