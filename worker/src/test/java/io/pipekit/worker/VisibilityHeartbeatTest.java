package io.pipekit.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** The heartbeat and the visibility batcher against a scripted SQS, one tick at a time. */
class VisibilityHeartbeatTest {

    private static final Duration VISIBILITY = Duration.ofSeconds(30);

    private static VisibilityHeartbeat heartbeat(Engine engine, Duration handlerTimeout) {
        return new VisibilityHeartbeat(engine.registry, engine.visibility, new HeartbeatSchedule(VISIBILITY, 0.5),
                engine.settler, handlerTimeout, engine.listener, Clock.systemUTC());
    }

    /** Held messages whose lease has 10 s left: due (less than half of 30 s). */
    private static List<InFlight> due(Engine engine, int count) throws InterruptedException {
        List<InFlight> messages = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            InFlight m = engine.hold(Messages.held("m" + i));
            m.visibleUntil(Instant.now().plusSeconds(10));
            messages.add(m);
        }
        return messages;
    }

    @Test
    void aStalledCallHoldsUpNeitherTheOtherBatchesNorTheirMessages() throws Exception {
        try (Engine engine = new Engine(20, Duration.ofMillis(10))) {
            List<InFlight> messages = due(engine, 20);
            CountDownLatch stalled = new CountDownLatch(1);
            engine.sqs.visibilityBy = request -> request.entries().stream().anyMatch(e -> e.receiptHandle().equals("receipt-m0"))
                    ? new ScriptedSqs.Stall(stalled) : null;
            heartbeat(engine, Duration.ZERO).tick();
            await().until(() -> engine.sqs.visibilityCalls.size() == 2);

            List<InFlight> first = messages.stream().filter(m -> engine.sqs.visibilityCalls.stream().anyMatch(r -> r.entries().stream()
                    .anyMatch(e -> e.receiptHandle().equals("receipt-m0")) && r.entries().stream().anyMatch(e -> e.receiptHandle().equals(m.receiptHandle())))).toList();
            await().until(() -> engine.listener.extended.size() == 20 - first.size());
            assertThat(first).hasSize(10);
            InFlight other = messages.stream().filter(m -> !first.contains(m)).findFirst().orElseThrow();
            assertThat(other.visibleUntil()).isAfter(Instant.now().plusSeconds(20));
            // its batch is answered, so its handler's result settles at once while the other call is still stalled
            assertThat(other.settle()).isTrue();
            assertThat(first.getFirst().isActive()).isTrue();
            stalled.countDown();
            await().until(() -> engine.listener.extended.size() == 20);
        }
    }

    @Test
    void failedEntriesAreRetriedOnTheNextTickAndAGoneReceiptIsALostLease() throws Exception {
        try (Engine engine = new Engine(10, Duration.ofMillis(10))) {
            List<InFlight> messages = due(engine, 3);
            java.util.concurrent.atomic.AtomicBoolean first = new java.util.concurrent.atomic.AtomicBoolean(true);
            engine.sqs.visibilityBy = request -> {
                if (!first.getAndSet(false)) {
                    return null;
                }
                Map<String, String> codes = new java.util.HashMap<>();
                request.entries().forEach(e -> {
                    if (e.receiptHandle().equals("receipt-m0")) {
                        codes.put(e.id(), "InternalError");
                    } else if (e.receiptHandle().equals("receipt-m1")) {
                        codes.put(e.id(), "ReceiptHandleIsInvalid");
                    }
                });
                return new ScriptedSqs.Fail(codes, false);
            };
            VisibilityHeartbeat heartbeat = heartbeat(engine, Duration.ZERO);
            heartbeat.tick();
            await().until(() -> engine.listener.extended.size() == 1 && engine.listener.leaseLost.size() == 1);
            assertThat(engine.listener.leaseLost).containsExactly("m1");
            await().until(() -> messages.get(0).beginExtension());
            messages.get(0).endExtension();

            heartbeat.tick();
            await().until(() -> engine.listener.extended.contains("m0"));
            assertThat(engine.sqs.visibilityCalls.get(1).entries()).singleElement()
                    .satisfies(e -> assertThat(e.receiptHandle()).isEqualTo("receipt-m0"));
        }
    }

    @Test
    void aThrottledCallIsSentAgainAtOnceWhileTheLeaseHasRoom() throws Exception {
        try (Engine engine = new Engine(10, Duration.ofMillis(10))) {
            due(engine, 2);
            engine.sqs.visibility.add(new ScriptedSqs.Throw(ScriptedSqs.error("ThrottlingException", 400)));
            heartbeat(engine, Duration.ZERO).tick();
            await().until(() -> engine.listener.extended.size() == 2);
            assertThat(engine.sqs.visibilityCalls).hasSize(2);
            assertThat(engine.listener.leaseLost).isEmpty();
        }
    }

    @Test
    void aCallSlowerThanTheCallTimeoutIsHedgedAndTheFirstAnswerExtendsTheLease() throws Exception {
        try (Engine engine = new Engine(10, Duration.ofMillis(10), Duration.ofMillis(200))) {
            InFlight message = due(engine, 1).getFirst();
            Instant before = message.visibleUntil();
            CountDownLatch stalled = new CountDownLatch(1);
            java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
            engine.sqs.visibilityBy = request -> calls.getAndIncrement() == 0 ? new ScriptedSqs.Stall(stalled) : null;
            heartbeat(engine, Duration.ZERO).tick();

            // the first call never answers; the hedge sent beside it does, and the lease is extended
            await().until(() -> engine.listener.extended.size() == 1);
            assertThat(engine.sqs.visibilityCalls).hasSize(2);
            assertThat(message.visibleUntil()).isAfter(before.plusSeconds(15));
            assertThat(engine.listener.leaseLost).isEmpty();
            // the extension is over: the handler's result settles while the first call is still stalled
            await().until(message::settle);
            stalled.countDown();
            // the stalled call's late answer lengthens nothing and is not reported again
            await().during(Duration.ofMillis(300)).until(() -> engine.listener.extended.size() == 1);
        }
    }

    @Test
    void aLeaseShorterThanTheCallTimeoutIsStillExtended() throws Exception {
        try (Engine engine = new Engine(10, Duration.ofMillis(10), Duration.ofSeconds(5))) {
            InFlight message = engine.hold(Messages.held("short"));
            message.visibleUntil(Instant.now().plusSeconds(2)); // less left than one call timeout
            heartbeat(engine, Duration.ZERO).tick();
            await().until(() -> engine.listener.extended.contains("short"));
            assertThat(message.visibleUntil()).isAfter(Instant.now().plusSeconds(20));
            assertThat(engine.listener.leaseLost).isEmpty();
        }
    }

    @Test
    void aCallThatNeverAnswersIsHedgedAtMostTwiceThenTheLeaseIsReportedLost() throws Exception {
        try (Engine engine = new Engine(10, Duration.ofMillis(10), Duration.ofMillis(100))) {
            InFlight message = engine.hold(Messages.held("m0"));
            message.visibleUntil(Instant.now().plusSeconds(1));
            CountDownLatch never = new CountDownLatch(1);
            engine.sqs.visibilityBy = request -> new ScriptedSqs.Stall(never);
            VisibilityHeartbeat heartbeat = heartbeat(engine, Duration.ZERO);
            heartbeat.tick();
            await().until(() -> engine.sqs.visibilityCalls.size() == VisibilityHeartbeat.MAX_CALLS_IN_FLIGHT);
            await().until(() -> Instant.now().isAfter(message.visibleUntil()));
            await().until(() -> {
                heartbeat.tick();
                return engine.listener.leaseLost.contains("m0");
            });
            assertThat(engine.sqs.visibilityCalls).hasSize(VisibilityHeartbeat.MAX_CALLS_IN_FLIGHT);
            never.countDown();
        }
    }

    @Test
    void aGoneReceiptOfAMessageWhoseDeleteIsOnItsWayIsNotALostLease() throws Exception {
        try (Engine engine = new Engine(10, Duration.ofMillis(10))) {
            InFlight deleting = due(engine, 1).getFirst();
            assertThat(deleting.beginDelete()).isTrue(); // the handler succeeded; its delete may land before the extension
            engine.sqs.visibilityBy = request -> new ScriptedSqs.Fail(Map.of("0", "ReceiptHandleIsInvalid"), false);
            VisibilityHeartbeat heartbeat = heartbeat(engine, Duration.ZERO);
            heartbeat.tick();
            await().until(() -> engine.sqs.visibilityCalls.size() == 1 && deleting.atCeiling());
            heartbeat.tick();
            // the delete's own answer decides; the heartbeat neither reports a lost lease nor keeps extending
            assertThat(engine.listener.leaseLost).isEmpty();
            assertThat(engine.sqs.visibilityCalls).hasSize(1);
        }
    }

    @Test
    void aLapsedLeaseIsReportedOnceWithTheMessageIdAndNotExtended() throws Exception {
        try (Engine engine = new Engine(10, Duration.ofMillis(10))) {
            InFlight lapsed = engine.hold(Messages.held("lapsed"));
            lapsed.visibleUntil(Instant.now().minusSeconds(1));
            VisibilityHeartbeat heartbeat = heartbeat(engine, Duration.ZERO);
            heartbeat.tick();
            heartbeat.tick();

            assertThat(engine.listener.leaseLost).containsExactly("lapsed");
            assertThat(lapsed.leaseLost()).isTrue();
            assertThat(engine.sqs.visibilityCalls).isEmpty();
        }
    }

    @Test
    void accessDeniedOnAnExtensionReachesTheListener() throws Exception {
        try (Engine engine = new Engine(10, Duration.ofMillis(10))) {
            due(engine, 1);
            engine.sqs.visibility.add(new ScriptedSqs.Throw(ScriptedSqs.error("AccessDenied", 403)));
            heartbeat(engine, Duration.ZERO).tick();
            await().until(() -> !engine.listener.permanent.isEmpty());
            assertThat(engine.listener.permanent.getFirst()).startsWith("ChangeMessageVisibility AccessDenied");
        }
    }

    @Test
    void aHandlerPastItsTimeoutIsInterruptedAndItsMessageRetriedAfterTheBackoff() throws Exception {
        try (Engine engine = new Engine(1, Duration.ofMillis(10))) {
            InFlight hung = engine.hold(Messages.held("hung"));
            Thread handler = Thread.ofVirtual().start(() -> {
                try {
                    new CountDownLatch(1).await();
                } catch (InterruptedException expected) {
                    // the timeout interrupted it
                }
            });
            hung.handlerStarted(handler);
            VisibilityHeartbeat heartbeat = heartbeat(engine, Duration.ofNanos(1));
            await().until(() -> {
                heartbeat.tick();
                return engine.registry.size() == 0;
            });

            assertThat(engine.listener.failed).containsExactly("hung");
            handler.join(Duration.ofSeconds(5));
            assertThat(handler.isAlive()).as("interrupted").isFalse();
            assertThat(engine.sqs.visibilityCalls).singleElement()
                    .satisfies(r -> assertThat(r.entries().getFirst().visibilityTimeout()).isEqualTo(7)); // the backoff
            assertThat(engine.limiter.inUse()).isZero();
        }
    }
}
