package io.pipekit.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipekit.worker.QueueMessage;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FifoDispatcherTest {

    @Test
    void splitsByGroupKeepingReceiveOrder() {
        List<InFlight> batch = List.of(msg("a1", "A"), msg("b1", "B"), msg("a2", "A"), msg("x", null), msg("b2", "B"), msg("a3", "A"));

        List<List<String>> groups = FifoDispatcher.groups(batch).stream()
                .map(group -> group.stream().map(m -> m.message().messageId()).toList())
                .toList();

        assertThat(groups).containsExactly(List.of("a1", "a2", "a3"), List.of("b1", "b2"), List.of("x"));
    }

    private static InFlight msg(String id, String group) {
        Map<String, String> attributes = new HashMap<>();
        if (group != null) {
            attributes.put("MessageGroupId", group);
        }
        QueueMessage message = new QueueMessage("http://q/x.fifo", id, "rh-" + id, "{}", attributes, Map.of(), Instant.EPOCH);
        return new InFlight(message, 0, Instant.EPOCH);
    }
}
