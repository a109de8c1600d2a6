package io.pipekit.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

    @Test
    void anErrorThroughAHandlerReleasesTheRestOfTheGroup() throws Exception {
        try (Engine engine = new Engine(4, java.time.Duration.ofMillis(10))) {
            List<InFlight> group = new java.util.ArrayList<>();
            for (int i = 1; i <= 4; i++) {
                group.add(engine.hold(Messages.held("g" + i, "http://q/x.fifo", "G")));
            }
            MessageProcessor processor = new MessageProcessor(m -> {
                if (m.messageId().equals("g2")) {
                    throw new StackOverflowError("deep recursion in the handler");
                }
            }, engine.settler);
            FifoDispatcher fifo = new FifoDispatcher(processor, engine.settler, () -> false);

            assertThatThrownBy(() -> fifo.runInOrder(group)).isInstanceOf(StackOverflowError.class);

            assertThat(engine.listener.failed).containsExactly("g2");
            assertThat(engine.listener.released).containsExactly("g3", "g4");
            org.awaitility.Awaitility.await().until(() -> engine.registry.size() == 0);
            assertThat(engine.limiter.inUse()).as("no permit leaked").isZero();
        }
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
