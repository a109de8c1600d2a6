package io.pipekit.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * A success in a batch a receive loop runs inline: collected for the loop to delete, never left to
 * the delete batcher, and never waiting for delete capacity (docs/worker-engine.md, "Quick handlers
 * run inline").
 */
class MessageSettlerInlineTest {

    @Test
    void anInlineSuccessIsCollectedAndHeldUntilTheLoopsDeleteIsAnswered() throws Exception {
        try (Engine engine = new Engine(2, Duration.ofMillis(10))) {
            List<InFlight> collected = new ArrayList<>();
            InFlight message = engine.hold(Messages.held("a"));
            message.deleteInto(collected);

            engine.settler.succeeded(message, Duration.ZERO);

            assertThat(collected).containsExactly(message);
            assertThat(engine.limiter.inUse()).as("moved to delete capacity").isZero();
            // the batcher never sees it: no delete goes out on a flush
            await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(1)).until(engine.sqs.deleteCalls::isEmpty);
            assertThat(engine.registry.size()).as("held until its delete is answered").isEqualTo(1);

            engine.settler.deleteNow(Messages.QUEUE, collected);

            assertThat(engine.sqs.deleteCalls).singleElement()
                    .satisfies(call -> assertThat(call.entries()).singleElement()
                            .satisfies(e -> assertThat(e.receiptHandle()).isEqualTo("receipt-a")));
            assertThat(engine.registry.size()).isZero();
            assertThat(engine.listener.deleted).hasValue(1);
        }
    }

    @Test
    void withNoDeleteCapacityFreeAnInlineSuccessDoesNotWaitAndKeepsItsHandlerCapacity() throws Exception {
        try (Engine engine = new Engine(1, Duration.ofMillis(10))) {
            // a forked success whose delete stalls fills the one unit of delete capacity
            CountDownLatch releaseDelete = new CountDownLatch(1);
            engine.sqs.deletes.add(new ScriptedSqs.Stall(releaseDelete));
            engine.settler.succeeded(engine.hold(Messages.held("forked")), Duration.ZERO);
            await().until(() -> engine.sqs.deleteCalls.size() == 1);

            List<InFlight> collected = new ArrayList<>();
            InFlight inline = engine.hold(Messages.held("inline"));
            inline.deleteInto(collected);
            Thread loop = Thread.ofPlatform().start(() -> engine.settler.succeeded(inline, Duration.ZERO));
            // waiting for delete capacity here could deadlock receive loops holding each other's room
            await().atMost(Duration.ofSeconds(2)).until(() -> !loop.isAlive());

            assertThat(collected).containsExactly(inline);
            assertThat(engine.limiter.inUse()).as("the inline success keeps its handler unit").isEqualTo(1);
            engine.settler.deleteNow(Messages.QUEUE, collected);
            assertThat(engine.limiter.inUse()).isZero();

            releaseDelete.countDown();
            await().until(() -> engine.registry.size() == 0);
            assertThat(engine.listener.deleted).hasValue(2);
        }
    }
}
