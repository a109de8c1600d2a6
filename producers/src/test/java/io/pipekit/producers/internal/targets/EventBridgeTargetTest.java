package io.pipekit.producers.internal.targets;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipekit.producers.Producer;
import io.pipekit.producers.RunSummary;
import io.pipekit.producers.SampleEvent;
import io.pipekit.producers.Scenario;
import io.pipekit.producers.Targets;
import io.pipekit.producers.TrafficPlan;
import io.pipekit.producers.internal.scenario.EventGenerator;
import io.pipekit.producers.testing.EventBridgeStub;
import java.time.Instant;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

/** The unchanged SDK EventBridgeClient against a local PutEvents server (JSON 1.1) that fails chosen entries. */
class EventBridgeTargetTest {

    private static EventBridgeClient client(EventBridgeStub stub) {
        return EventBridgeClient.builder().endpointOverride(stub.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .build();
    }

    @Test
    void retriesThrottledAndInternalFailuresPerEntryAndDeliversEachOnce() throws Exception {
        // every third entry is throttled on its first attempt, every fifth fails internally on its first two
        EventBridgeStub.FailurePolicy policy = a -> {
            int h = Math.floorMod(a.entry().path("Detail").asText().hashCode(), 15);
            if (h % 5 == 0 && a.attemptOfThisEntry() <= 2) return "InternalFailure";
            if (h % 3 == 0 && a.attemptOfThisEntry() == 1) return "ThrottlingException";
            return null;
        };
        try (EventBridgeStub stub = new EventBridgeStub(policy); EventBridgeClient eb = client(stub)) {
            TrafficPlan plan = TrafficPlan.of(Scenario.ORDERS).withCount(187).withRunId("eb1");

            RunSummary s = Producer.run(plan, Targets.eventBridge(eb, "orders-bus", "shop.orders"));

            assertThat(s.sent()).isEqualTo(187);
            assertThat(s.failed()).isZero();
            assertThat(s.retried()).isPositive();
            assertThat(s.throttled()).isPositive().isLessThan(s.retried());
            assertThat(stub.targetsSeen()).containsOnly("AWSEvents.PutEvents");
            assertThat(stub.callSizes()).allSatisfy(n -> assertThat(n).isBetween(1, 10));
            List<EventBridgeStub.Accepted> accepted = stub.accepted();
            assertThat(accepted).extracting(a -> SampleEvent.parse(a.detail()).seq())
                    .containsExactlyInAnyOrderElementsOf(LongStream.range(0, 187).boxed().toList());
            assertThat(accepted).allSatisfy(a -> {
                SampleEvent e = SampleEvent.parse(a.detail());
                assertThat(a.eventBusName()).isEqualTo("orders-bus");
                assertThat(a.source()).isEqualTo("shop.orders");
                assertThat(a.detailType()).isEqualTo(e.type());
                assertThat(a.time()).isNotNull();
            });
        }
    }

    @Test
    void nonRetryableEntryErrorsAreReportedAsFailedAndNotResent() throws Exception {
        EventBridgeStub.FailurePolicy policy = a -> a.entry().path("DetailType").asText().equals("order.cancelled")
                ? "NotAuthorizedForDetailTypeException" : null;
        try (EventBridgeStub stub = new EventBridgeStub(policy); EventBridgeClient eb = client(stub)) {
            TrafficPlan plan = TrafficPlan.of(Scenario.ORDERS).withCount(400);
            long cancelled = countType(plan, 400, "order.cancelled");

            RunSummary s = Producer.run(plan, Targets.eventBridge(eb, "default", "shop.orders"));

            assertThat(cancelled).isPositive();
            assertThat(s.failed()).isEqualTo(cancelled);
            assertThat(s.failuresByCode()).containsExactly(java.util.Map.entry("NotAuthorizedForDetailTypeException", cancelled));
            assertThat(s.retried()).isZero();
            assertThat(s.sent()).isEqualTo(400 - cancelled);
            assertThat(stub.accepted()).hasSize((int) (400 - cancelled));
        }
    }

    private static long countType(TrafficPlan plan, int n, String type) {
        EventGenerator g = new EventGenerator(plan);
        long c = 0;
        for (int i = 0; i < n; i++) if (g.next(Instant.now()).type().equals(type)) c++;
        return c;
    }
}
