package io.pipekit.producers.internal.targets;

import io.pipekit.producers.SampleEvent;
import io.pipekit.producers.Target;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;

/**
 * EventBridge {@code PutEvents}: 1–10 entries per call (docs/aws-behaviour.md §2.2), entries sized as AWS
 * counts them (Time 14 bytes + Source + DetailType + Detail + Resources) within the portable
 * 256 KB. The call returns HTTP 200 with per-entry {@code ErrorCode}s; only {@code InternalFailure}
 * and {@code ThrottlingException} are retried, the rest are permanent (§2.2).
 */
public final class EventBridgeTarget implements Target<PutEventsRequestEntry> {

    static final int MAX_ENTRIES = 10;
    static final long MAX_BATCH_BYTES = 256 * 1024;
    private static final int TIME_BYTES = 14;
    private static final Set<String> RETRYABLE = Set.of("InternalFailure", "ThrottlingException");

    private final EventBridgeClient client;
    private final String bus;
    private final String source;

    public EventBridgeTarget(EventBridgeClient client, String bus, String source) {
        this.client = client;
        this.bus = bus;
        this.source = source;
    }

    @Override
    public String describe() {
        return "events:" + bus;
    }

    @Override
    public int maxBatchEntries() {
        return MAX_ENTRIES;
    }

    @Override
    public long maxBatchBytes() {
        return MAX_BATCH_BYTES;
    }

    @Override
    public Entry<PutEventsRequestEntry> encode(SampleEvent event) {
        String detail = event.toJson();
        int bytes = TIME_BYTES + utf8(source) + utf8(event.type()) + utf8(detail);
        if (bytes > MAX_BATCH_BYTES) {
            throw new IllegalArgumentException("an EventBridge entry is limited to 256 KB; this one is " + bytes + " bytes");
        }
        PutEventsRequestEntry e = PutEventsRequestEntry.builder()
                .eventBusName(bus)
                .source(source)
                .detailType(event.type())
                .detail(detail)
                .time(event.producedAt())
                .build();
        return new Entry<>(event, e, bytes, null);
    }

    @Override
    public List<Outcome> send(List<Entry<PutEventsRequestEntry>> batch) {
        List<PutEventsRequestEntry> entries = new ArrayList<>(batch.size());
        for (Entry<PutEventsRequestEntry> e : batch) entries.add(e.request());
        PutEventsResponse resp = client.putEvents(b -> b.entries(entries));
        List<Outcome> out = new ArrayList<>(batch.size());
        for (PutEventsResultEntry r : resp.entries()) {
            String code = r.errorCode();
            if (code == null && r.eventId() != null) {
                out.add(Outcome.DELIVERED);
            } else if (code != null && !RETRYABLE.contains(code)) {
                out.add(new Outcome.Reject(code, r.errorMessage()));
            } else {
                out.add(new Outcome.Retry(code == null ? "NoEventId" : code));
            }
        }
        return out;
    }

    private static int utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
