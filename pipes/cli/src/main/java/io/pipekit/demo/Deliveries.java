package io.pipekit.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pipekit.producers.DeliveryAudit;
import io.pipekit.producers.SampleEvent;
import io.pipekit.worker.MessageHandler;
import io.pipekit.worker.envelope.EventBridgeEvent;
import io.pipekit.worker.envelope.KitEnvelope;
import io.pipekit.worker.envelope.PipesDynamoDbRecord;
import io.pipekit.worker.envelope.RawMessage;
import io.pipekit.worker.envelope.SnsNotification;
import io.pipekit.worker.routing.Router;
import io.pipekit.worker.routing.UnmatchedPolicy;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The worker side of the demo: a {@link Router} that takes each typed envelope the way a user's
 * handler would, recovers the producer's {@link SampleEvent} from it, and records it in the audit of
 * the path it travelled — so loss, duplicates and latency are measured per path.
 */
final class Deliveries {

    /** The paths of the demo, in report order. */
    enum Path {
        KINESIS("Kinesis → pipe → SQS (template)"),
        KINESIS_FIFO("Kinesis → pipe → SQS FIFO"),
        DYNAMODB("DynamoDB stream → pipe → SQS"),
        EVENTBRIDGE("EventBridge rule → SQS"),
        SNS("SNS envelope → SQS"),
        FILTERED("Kinesis clickstream (filtered by the pipe)");

        final String label;

        Path(String label) {
            this.label = label;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<Path, DeliveryAudit> audits = new LinkedHashMap<>();
    private final String fifoQueueUrl;
    private final Map<String, Long> lastSeqPerKey = new ConcurrentHashMap<>();
    private final AtomicLong outOfOrder = new AtomicLong();
    private final AtomicLong processed = new AtomicLong();

    Deliveries(Map<Path, String> runIds, String fifoQueueUrl) {
        runIds.forEach((path, runId) -> audits.put(path, new DeliveryAudit(runId)));
        this.fifoQueueUrl = fifoQueueUrl;
    }

    MessageHandler handler() {
        return Router.builder()
                .on(KitEnvelope.class, kit -> {
                    SampleEvent event = SampleEvent.fromJsonNode(kit.data().json());
                    boolean fifo = kit.queueMessage().queueUrl().equals(fifoQueueUrl);
                    if (fifo) {
                        checkOrder(event);
                    }
                    record(isFiltered(event) ? Path.FILTERED : fifo ? Path.KINESIS_FIFO : Path.KINESIS, event);
                })
                .on(PipesDynamoDbRecord.class, change -> record(Path.DYNAMODB, fromItem(change.newImage().orElseThrow())))
                .on(EventBridgeEvent.class, event -> record(Path.EVENTBRIDGE, SampleEvent.fromJsonNode(event.detail().json())))
                .on(SnsNotification.class, note -> {
                    if (!(note.inner() instanceof RawMessage raw)) {
                        throw new IllegalArgumentException("unexpected SNS payload " + note.inner().summary());
                    }
                    record(Path.SNS, SampleEvent.parse(raw.body().text()));
                })
                // anything else — the demo's poison messages among them — fails, is retried, then dead-lettered
                .unmatched(UnmatchedPolicy.FAIL)
                .build();
    }

    /** The pipes pass only orders; a clickstream event reaching the worker would be a filter bug. */
    private static boolean isFiltered(SampleEvent event) {
        return !"orders".equals(event.scenario());
    }

    private void record(Path path, SampleEvent event) {
        audits.get(path).record(event, Instant.now());
        processed.incrementAndGet();
    }

    /** FIFO per partition key: each key's sequence numbers must arrive increasing. */
    private void checkOrder(SampleEvent event) {
        lastSeqPerKey.compute(event.key(), (key, last) -> {
            if (last != null && event.seq() < last) {
                outOfOrder.incrementAndGet();
            }
            return last == null ? event.seq() : Math.max(last, event.seq());
        });
    }

    /** A DynamoDB item written by the producers' DynamoDB target, back to the event it carried. */
    private static SampleEvent fromItem(Map<String, Object> image) {
        ObjectNode node = JSON.valueToTree(image);
        node.put("schema", SampleEvent.SCHEMA);
        JsonNode seq = node.path("seq");
        node.put("seq", seq.isNumber() ? seq.asLong() : Long.parseLong(seq.asText()));
        return SampleEvent.fromJsonNode(node);
    }

    DeliveryAudit audit(Path path) {
        return audits.get(path);
    }

    long processed() {
        return processed.get();
    }

    long outOfOrder() {
        return outOfOrder.get();
    }
}
