package io.pipekit.producers.internal.targets;

import com.fasterxml.jackson.databind.JsonNode;
import io.pipekit.producers.SampleEvent;
import io.pipekit.producers.Target;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * DynamoDB {@code BatchWriteItem}: at most 25 puts per call, 16 MB per call, 400 KB per item.
 * Puts the service could not take come back in {@code UnprocessedItems} and are retried alone;
 * a batch never holds two puts for one key (the service rejects the whole call).
 *
 * <p>Item layout: the hash key attribute, then the event fields as attributes ({@code seq} as a
 * number, {@code data} as a map), so stream records carry typed images a Pipes filter can match.
 */
public final class DynamoDbTarget implements Target<WriteRequest> {

    static final int MAX_ITEMS = 25;
    static final long MAX_BATCH_BYTES = 16L * 1024 * 1024;
    static final int MAX_ITEM_BYTES = 400 * 1024;

    /** Which event value becomes the item's hash key. */
    public enum ItemKey {
        /** One new item per event ({@code eventId}): the table ends with exactly {@code --count} items; streams see INSERTs. */
        EVENT,
        /** One item per subject (order, session, device) updated in place; streams see INSERT then MODIFYs with old/new images. */
        SUBJECT
    }

    private final DynamoDbClient client;
    private final String table;
    private final String hashKey;
    private final ItemKey itemKey;

    public DynamoDbTarget(DynamoDbClient client, String table, String hashKey, ItemKey itemKey) {
        this.client = client;
        this.table = table;
        this.hashKey = hashKey;
        this.itemKey = itemKey;
    }

    @Override
    public String describe() {
        return "dynamodb:" + table;
    }

    @Override
    public int maxBatchEntries() {
        return MAX_ITEMS;
    }

    @Override
    public long maxBatchBytes() {
        return MAX_BATCH_BYTES;
    }

    @Override
    public Entry<WriteRequest> encode(SampleEvent event) {
        String keyValue = switch (itemKey) {
            case EVENT -> event.eventId();
            case SUBJECT -> event.subject();
        };
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put("eventId", s(event.eventId()));
        item.put("runId", s(event.runId()));
        item.put("seq", AttributeValue.fromN(Long.toString(event.seq())));
        item.put("scenario", s(event.scenario()));
        item.put("type", s(event.type()));
        item.put("key", s(event.key()));
        item.put("subject", s(event.subject()));
        item.put("producedAt", s(event.toJsonNode().get("producedAt").asText()));
        item.put("data", toAttribute(event.data()));
        if (event.pad() != null) item.put("pad", s(event.pad()));
        item.put(hashKey, s(keyValue));
        // a size estimate on the JSON form: close to DynamoDB's count (names + values) for this shape
        int bytes = event.toJson().getBytes(StandardCharsets.UTF_8).length + hashKey.length() + keyValue.length();
        if (bytes > MAX_ITEM_BYTES) {
            throw new IllegalArgumentException("a DynamoDB item is limited to 400 KB; this one is about " + bytes + " bytes");
        }
        WriteRequest w = WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build();
        return new Entry<>(event, w, bytes, keyValue);
    }

    @Override
    public List<Outcome> send(List<Entry<WriteRequest>> batch) {
        List<WriteRequest> writes = new ArrayList<>(batch.size());
        for (Entry<WriteRequest> e : batch) writes.add(e.request());
        BatchWriteItemResponse resp = client.batchWriteItem(b -> b.requestItems(Map.of(table, writes)));
        Set<String> unprocessed = new HashSet<>();
        for (WriteRequest w : resp.unprocessedItems().getOrDefault(table, List.of())) {
            if (w.putRequest() != null) unprocessed.add(w.putRequest().item().get(hashKey).s());
        }
        List<Outcome> out = new ArrayList<>(batch.size());
        for (Entry<WriteRequest> e : batch) {
            out.add(unprocessed.contains(e.uniqueKey()) ? new Outcome.Retry("UnprocessedItems") : Outcome.DELIVERED);
        }
        return out;
    }

    private static AttributeValue s(String v) {
        return AttributeValue.fromS(v);
    }

    /** JSON → DynamoDB attribute value, the way the document APIs map it. */
    static AttributeValue toAttribute(JsonNode n) {
        if (n.isObject()) {
            Map<String, AttributeValue> m = new LinkedHashMap<>();
            n.properties().forEach(e -> m.put(e.getKey(), toAttribute(e.getValue())));
            return AttributeValue.fromM(m);
        }
        if (n.isArray()) {
            List<AttributeValue> l = new ArrayList<>();
            n.forEach(x -> l.add(toAttribute(x)));
            return AttributeValue.fromL(l);
        }
        if (n.isNumber()) return AttributeValue.fromN(n.asText());
        if (n.isBoolean()) return AttributeValue.fromBool(n.asBoolean());
        if (n.isNull()) return AttributeValue.fromNul(true);
        return AttributeValue.fromS(n.asText());
    }
}
