package io.pipekit.producers.internal.targets;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipekit.producers.Producer;
import io.pipekit.producers.RunSummary;
import io.pipekit.producers.SampleEvent;
import io.pipekit.producers.Scenario;
import io.pipekit.producers.Targets;
import io.pipekit.producers.TrafficPlan;
import io.pipekit.producers.testing.SnsStub;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sns.SnsClient;

/** The unchanged SDK SnsClient (PublishBatch, Query protocol) against a local stub that fails some entries once. */
class SnsTargetTest {

    @Test
    void publishesInBatchesOfTenAndRetriesFailedEntries() throws Exception {
        try (SnsStub stub = new SnsStub(4);
                SnsClient sns = SnsClient.builder().endpointOverride(stub.endpoint()).region(Region.US_EAST_1)
                        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                        .build()) {
            String topic = "arn:aws:sns:us-east-1:000000000000:orders-topic";
            TrafficPlan plan = TrafficPlan.of(Scenario.ORDERS).withCount(93);

            RunSummary s = Producer.run(plan, Targets.sns(sns, topic));

            assertThat(stub.injected()).isPositive();
            assertThat(s.retried()).isEqualTo(stub.injected());
            assertThat(s.sent()).isEqualTo(93);
            assertThat(stub.callSizes()).allSatisfy(n -> assertThat(n).isBetween(1, 10));
            assertThat(stub.published()).extracting(p -> SampleEvent.parse(p.message()).seq())
                    .containsExactlyInAnyOrderElementsOf(LongStream.range(0, 93).boxed().toList());
            assertThat(stub.published()).allSatisfy(p -> {
                assertThat(p.topicArn()).isEqualTo(topic);
                assertThat(p.eventType()).isEqualTo(SampleEvent.parse(p.message()).type());
                assertThat(p.groupId()).as("standard topic: no group").isNull();
            });
        }
    }
}
