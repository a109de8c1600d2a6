package io.pipekit.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pipekit.worker.envelope.EventBridgeEvent;
import io.pipekit.worker.envelope.SnsNotification;
import io.pipekit.worker.routing.Router;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/** The test kit as a user meets it: injected stack, queues and clients, a real worker, waits on outcomes. */
@PipekitTest
class PipekitExtensionTest {

    @Test
    void aHandlerInARealWorkerProcessesWhatIsSent(LocalPipekit pipekit, TestQueue queue) {
        List<String> bodies = new CopyOnWriteArrayList<>();
        RunningWorker worker = pipekit.runWorker(queue, message -> bodies.add(message.body()));

        queue.send("one");
        queue.send("two");
        queue.send("three");

        assertThat(worker.awaitProcessed(3)).hasSize(3);
        assertThat(bodies).containsExactlyInAnyOrder("one", "two", "three");
        worker.awaitDrained(); // deleted after the handler returned
    }

    @Test
    void aFailingMessageIsRetriedThenDeadLettered(LocalPipekit pipekit, TestQueue queue) {
        RunningWorker worker = pipekit.runWorker(queue, message -> {
            throw new IllegalStateException("cannot handle " + message.body());
        });

        queue.send("poison");

        List<Failure> failures = worker.awaitRetried(LocalPipekit.DEFAULT_MAX_RECEIVES);
        assertThat(failures).allSatisfy(f -> assertThat(f.cause()).hasMessage("cannot handle poison"));
        assertThat(failures).extracting(f -> f.message().receiveCount()).startsWith(1, 2, 3);
        assertThat(worker.awaitDeadLettered(1)).containsExactly("poison");
        assertThat(worker.processed()).isEmpty();
    }

    @Test
    void anAppliedSpecDeliversItsRuleToTheWorker(LocalPipekit pipekit, EventBridgeClient events) {
        Subscriptions subscriptions = pipekit.apply("testkit/rule-subscriptions.yml");
        List<String> orderIds = new CopyOnWriteArrayList<>();
        RunningWorker worker = pipekit.runWorker(subscriptions.queue(), Router.builder()
                .onEvent("testkit.orders", (EventBridgeEvent e) -> orderIds.add(e.detail().json().path("orderId").asText()))
                .build());

        events.putEvents(b -> b.entries(
                e -> e.source("testkit.orders").detailType("OrderPlaced").detail("{\"orderId\":\"o-1\"}"),
                e -> e.source("someone.else").detailType("OrderPlaced").detail("{\"orderId\":\"o-2\"}")));

        worker.awaitProcessed(1);
        assertThat(orderIds).containsExactly("o-1");
        assertThat(subscriptions.applied().describe()).contains("pipekit-testkit-rule-orders");
    }

    @Test
    void aQueueTheSpecDoesNotCreateIsMadeAsItsOwnerWould(LocalPipekit pipekit) {
        Subscriptions subscriptions = pipekit.apply("testkit/owned-queue-subscriptions.yml");
        RunningWorker worker = pipekit.runWorker(subscriptions.queue(), message -> {
            throw new IllegalStateException("always");
        }).within(Duration.ofSeconds(20));

        pipekit.eventBridge().putEvents(b -> b.entries(e -> e.source("testkit.payments").detailType("Paid").detail("{}")));

        // deadLetterTries: 2 from the spec
        assertThat(worker.awaitDeadLettered(1)).hasSize(1);
        assertThat(worker.failures()).hasSize(2);
    }

    @Test
    void snsNotificationsArriveTypedWithoutAnSnsService(LocalPipekit pipekit, TestQueue queue) {
        List<String> messages = new CopyOnWriteArrayList<>();
        RunningWorker worker = pipekit.runWorker(queue, Router.builder()
                .onTopic("alerts", (SnsNotification n) -> messages.add(n.message().text()))
                .build());

        queue.sendSnsNotification("arn:aws:sns:us-east-1:000000000000:alerts", "{\"level\":\"high\"}");

        worker.awaitProcessed(1);
        assertThat(messages).containsExactly("{\"level\":\"high\"}");
    }

    @Test
    void aWaitThatIsNotMetFailsWithWhatItSaw(LocalPipekit pipekit, TestQueue queue) {
        RunningWorker worker = pipekit.runWorker(queue, message -> {}).within(Duration.ofMillis(300));

        assertThatThrownBy(() -> worker.awaitProcessed(1))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("expected 1 processed on " + queue.name() + ", saw 0");
    }

    @Test
    void everyQueueParameterIsAFreshQueueWithItsOwnDeadLetterQueue(TestQueue first, TestQueue second, SqsClient sqs) {
        assertThat(first.name()).isNotEqualTo(second.name());
        assertThat(first.depth()).isZero();
        assertThat(first.deadLetterUrl()).isEqualTo(sqs.getQueueUrl(b -> b.queueName(first.name() + "-dlq")).queueUrl());
    }
}
