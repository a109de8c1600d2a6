package io.pipekit.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** Deletes against a scripted SQS: 200 answers with failed entries, throttling, stale receipts, denial. */
class DeleteBatcherTest {

    @Test
    void failedEntriesOfASuccessfulCallAreRetriedAndOnlyTheyAre() throws Exception {
        try (Engine engine = new Engine(10, Duration.ofMillis(50))) {
            engine.sqs.deletes.add(new ScriptedSqs.Fail(Map.of("1", "InternalError"), false));
            for (int i = 0; i < 3; i++) {
                engine.settler.succeeded(engine.hold(Messages.held("m" + i)), Duration.ZERO);
            }
            await().until(() -> engine.registry.size() == 0);

            assertThat(engine.listener.deleted).hasValue(3);
            assertThat(engine.listener.deleteFailed).isEmpty();
            assertThat(engine.sqs.deleteCalls).hasSize(2);
            assertThat(engine.sqs.deleteCalls.get(1).entries()).singleElement()
                    .satisfies(e -> assertThat(e.receiptHandle()).isEqualTo("receipt-m1"));
            assertThat(engine.limiter.inUse()).isZero();
        }
    }

    @Test
    void throttlingIsRetriedUntilTheDeleteLands() throws Exception {
        try (Engine engine = new Engine(10, Duration.ofMillis(10))) {
            engine.sqs.deletes.add(new ScriptedSqs.Throw(ScriptedSqs.error("ThrottlingException", 400)));
            engine.sqs.deletes.add(new ScriptedSqs.Throw(ScriptedSqs.error("RequestThrottled", 400)));
            engine.settler.succeeded(engine.hold(Messages.held("t")), Duration.ZERO);
            await().until(() -> engine.registry.size() == 0);

            assertThat(engine.sqs.deleteCalls).hasSize(3);
            assertThat(engine.listener.deleted).hasValue(1);
            assertThat(engine.listener.deleteFailed).isEmpty();
            assertThat(engine.listener.permanent).isEmpty();
        }
    }

    @Test
    void aSenderFaultIsGivenUpReportedAndFreesTheCapacity() throws Exception {
        try (Engine engine = new Engine(10, Duration.ofMillis(10))) {
            engine.sqs.deletes.add(new ScriptedSqs.Fail(Map.of("0", "ReceiptHandleIsInvalid"), true));
            engine.settler.succeeded(engine.hold(Messages.held("gone")), Duration.ZERO);
            await().until(() -> engine.registry.size() == 0);

            assertThat(engine.sqs.deleteCalls).hasSize(1);
            assertThat(engine.listener.deleted).hasValue(0);
            assertThat(engine.listener.deleteFailed).singleElement().asString().startsWith("gone ReceiptHandleIsInvalid");
            assertThat(engine.limiter.inUse()).isZero();
        }
    }

    @Test
    void aDeleteForALapsedLeaseIsNotCountedAsASuccess() throws Exception {
        try (Engine engine = new Engine(10, Duration.ofMillis(10))) {
            InFlight stale = engine.hold(Messages.held("stale"));
            stale.markLeaseLost(); // SQS answers success for a stale receipt without necessarily deleting
            engine.settler.succeeded(stale, Duration.ZERO);
            await().until(() -> engine.registry.size() == 0);

            assertThat(engine.listener.deleted).hasValue(0);
            assertThat(engine.listener.deleteFailed).singleElement().asString().contains("stale receipt");
        }
    }

    @Test
    void accessDeniedIsPermanentReportedOnceAndNotRetried() throws Exception {
        try (Engine engine = new Engine(10, Duration.ofMillis(10))) {
            engine.sqs.deletes.add(new ScriptedSqs.Throw(ScriptedSqs.error("AccessDenied", 403)));
            engine.settler.succeeded(engine.hold(Messages.held("denied")), Duration.ZERO);
            await().until(() -> engine.registry.size() == 0);

            assertThat(engine.sqs.deleteCalls).hasSize(1);
            assertThat(engine.listener.permanent).singleElement().asString().startsWith("DeleteMessage AccessDenied");
            assertThat(engine.listener.deleteFailed).hasSize(1);
        }
    }

    @Test
    void aSucceededMessageHoldsDeleteCapacityUntilItsDeleteIsAcknowledged() throws Exception {
        try (Engine engine = new Engine(1, Duration.ZERO)) {
            CountDownLatch answer = new CountDownLatch(1);
            engine.sqs.deletes.add(new ScriptedSqs.Stall(answer));
            InFlight message = engine.hold(Messages.held("slow-delete"));
            engine.settler.succeeded(message, Duration.ZERO);
            await().until(() -> engine.sqs.deleteCalls.size() == 1);

            assertThat(engine.limiter.inUse()).as("handler capacity, handed on to delete capacity").isZero();
            assertThat(engine.settler.awaitDeletes(Duration.ZERO)).as("delete capacity held while the delete is out").isFalse();
            assertThat(engine.registry.snapshot()).as("still held, so still heartbeated").containsExactly(message);
            assertThat(engine.settler.release(java.util.List.of(message))).as("its fate is decided").isZero();

            answer.countDown();
            await().until(() -> engine.settler.awaitDeletes(Duration.ZERO));
            assertThat(engine.registry.size()).isZero();
        }
    }

    @Test
    void aZeroFlushIntervalSleepsWhenThereIsNothingToDelete() throws Exception {
        try (Engine engine = new Engine(10, Duration.ZERO)) {
            engine.settler.succeeded(engine.hold(Messages.held("once")), Duration.ZERO);
            await().until(() -> engine.registry.size() == 0);

            // a spinning flusher is always RUNNABLE; an idle one parks on its condition
            await().until(() -> engine.deletes.flusherState() == Thread.State.WAITING);
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                    .until(() -> engine.deletes.flusherState() == Thread.State.WAITING);
        }
    }

    @Test
    void aFullBatchGoesAtOnceAndCloseFlushesThePartOneLeft() throws Exception {
        Engine engine = new Engine(20, Duration.ofHours(1));
        try {
            for (int i = 0; i < 13; i++) {
                engine.settler.succeeded(engine.hold(Messages.held("m" + i)), Duration.ZERO);
            }
            // the tenth finished handler sends its batch: no wait for the hour-long flush interval
            await().until(() -> engine.sqs.deleteCalls.size() == 1);
            assertThat(engine.sqs.deleteCalls.get(0).entries()).hasSize(10);
            await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> engine.sqs.deleteCalls.size() == 1);
            assertThat(engine.registry.size()).as("the other three wait for their batch to fill").isEqualTo(3);
        } finally {
            engine.close();
        }
        assertThat(engine.sqs.deleteCalls).hasSize(2);
        assertThat(engine.sqs.deleteCalls.get(1).entries()).extracting(e -> e.receiptHandle())
                .containsExactlyInAnyOrder("receipt-m10", "receipt-m11", "receipt-m12");
        assertThat(engine.listener.deleted).hasValue(13);
        assertThat(engine.registry.size()).isZero();
    }
}
