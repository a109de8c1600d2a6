package io.pipekit.worker.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pipekit.worker.QueueMessage;
import io.pipekit.worker.WorkerOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The liveness verdict from the listener's callbacks alone, as the engine's threads deliver them. */
class PollerLivenessTest {

    private static final String QUEUE = "http://localhost:9324/000000000000/health-unit";

    private static QueueMessage message(int i) {
        return new QueueMessage(QUEUE, "m" + i, "r" + i, "{}", Map.of(), Map.of(), Instant.now());
    }

    private static String status(PollerLiveness liveness) {
        return liveness.report("DISABLED", null).queues().getFirst().status();
    }

    @Test
    void succeededMessagesWaitingForTheirDeleteStillFillTheWorker() {
        WorkerOptions options = WorkerOptions.builder(QUEUE).maxConcurrency(4).receiveBatchSize(2).pollersPerQueue(1).build();
        PollerLiveness liveness = new PollerLiveness(options, Duration.ofMillis(50), Duration.ofMinutes(1));
        liveness.beforeReceive(QUEUE);
        liveness.onReceive(QUEUE, 4);
        for (int i = 0; i < 4; i++) {
            liveness.onSuccess(message(i), Duration.ofMillis(1));
        }
        // every handler returned, but the four deletes are not answered: the capacity is still taken,
        // so a poller waiting for it is saturated, not stalled
        await().atMost(Duration.ofSeconds(5)).until(() -> !status(liveness).equals("ok"));
        assertThat(status(liveness)).isEqualTo("saturated");

        liveness.onDeleted(QUEUE, 3);
        liveness.onDeleteFailed(message(3), "lease lapsed before the delete (stale receipt)");
        // now the capacity is free and still nothing is received: that is a stall
        assertThat(status(liveness)).isEqualTo("stalled");
    }
}
