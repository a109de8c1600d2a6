package io.pipekit.worker;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/** Held messages for unit tests, with leases that are valid for a while. */
final class Messages {

    static final String QUEUE = "http://localhost/000000000000/unit";

    private Messages() {}

    static InFlight held(String id) {
        return held(id, QUEUE, null);
    }

    static InFlight held(String id, String queue, String group) {
        Map<String, String> attributes = group == null ? Map.of("ApproximateReceiveCount", "1")
                : Map.of("ApproximateReceiveCount", "1", "MessageGroupId", group);
        QueueMessage message = new QueueMessage(queue, id, "receipt-" + id, "body-" + id, attributes, Map.of(), Instant.now());
        return new InFlight(message, System.nanoTime(), Instant.now().plus(Duration.ofMinutes(5)));
    }
}
