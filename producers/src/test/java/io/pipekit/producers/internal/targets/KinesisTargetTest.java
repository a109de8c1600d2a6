package io.pipekit.producers.internal.targets;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipekit.local.EmbeddedKinesis;
import io.pipekit.local.KinesisBackend;
import io.pipekit.producers.KeySpace;
import io.pipekit.producers.Producer;
import io.pipekit.producers.RunSummary;
import io.pipekit.producers.SampleEvent;
import io.pipekit.producers.Scenario;
import io.pipekit.producers.Targets;
import io.pipekit.producers.TrafficPlan;
import io.pipekit.producers.testing.FaultInjectingProxy;
import io.pipekit.producers.testing.KinesisStreams;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Record;

/** Kinesis PutRecords against kinesis-mock: exact delivery, and per-record retry of injected throttling. */
class KinesisTargetTest {

    private static EmbeddedKinesis mock;
    private static KinesisClient kinesis;

    @BeforeAll
    static void start() throws Exception {
        mock = EmbeddedKinesis.start(KinesisBackend.KINESIS_MOCK);
        kinesis = mock.newClient();
    }

    @AfterAll
    static void stop() {
        if (kinesis != null) kinesis.close();
        if (mock != null) mock.close();
    }

    @Test
    void deliversExactlyCountRecordsWithTheirPartitionKeys() {
        KinesisStreams.create(kinesis, "orders-exact", 2);
        TrafficPlan plan = TrafficPlan.of(Scenario.ORDERS).withCount(1_100).withKeys(KeySpace.uniform(50)).withRunId("k1");

        RunSummary s = Producer.run(plan, Targets.kinesis(kinesis, "orders-exact"));

        assertThat(s.sent()).isEqualTo(1_100);
        assertThat(s.failed()).isZero();
        assertThat(s.calls()).as("<=500 records per PutRecords").isGreaterThanOrEqualTo(3);
        List<Record> records = KinesisStreams.readAll(kinesis, "orders-exact");
        assertThat(records).hasSize(1_100);
        for (Record r : records) {
            SampleEvent e = SampleEvent.parse(r.data().asUtf8String());
            assertThat(r.partitionKey()).isEqualTo(e.key());
            assertThat(e.runId()).isEqualTo("k1");
        }
        assertThat(records).extracting(r -> SampleEvent.parse(r.data().asUtf8String()).seq())
                .containsExactlyInAnyOrderElementsOf(LongStream.range(0, 1_100).boxed().toList());
    }

    @Test
    void retriesOnlyTheRecordsThatFailedAndDeliversEachOnce() throws Exception {
        KinesisStreams.create(kinesis, "iot-throttled", 1);
        try (FaultInjectingProxy proxy = new FaultInjectingProxy(mock.endpoint(), 4);
                KinesisClient viaProxy = jsonProtocolClient(proxy)) {
            TrafficPlan plan = TrafficPlan.of(Scenario.IOT).withCount(700).withRunId("k2");

            RunSummary s = Producer.run(plan, Targets.kinesis(viaProxy, "iot-throttled"));

            assertThat(proxy.injected()).as("the proxy did fail some records").isGreaterThan(50);
            assertThat(s.retried()).isEqualTo(proxy.injected());
            assertThat(s.throttled()).isEqualTo(proxy.injected());
            assertThat(s.sent()).isEqualTo(700);
            assertThat(s.failed()).isZero();
        }
        List<Record> records = KinesisStreams.readAll(kinesis, "iot-throttled");
        assertThat(records).extracting(r -> SampleEvent.parse(r.data().asUtf8String()).seq())
                .containsExactlyInAnyOrderElementsOf(LongStream.range(0, 700).boxed().toList());
    }

    @Test
    void exhaustedRetriesAreCountedAsFailedNotDropped() throws Exception {
        KinesisStreams.create(kinesis, "clicks-give-up", 1);
        try (FaultInjectingProxy proxy = new FaultInjectingProxy(mock.endpoint(), 3);
                KinesisClient viaProxy = jsonProtocolClient(proxy)) {
            // one attempt only: every record the proxy fails is given up on and reported
            TrafficPlan plan = TrafficPlan.of(Scenario.CLICKSTREAM).withCount(300).withMaxAttempts(1);

            RunSummary s = Producer.run(plan, Targets.kinesis(viaProxy, "clicks-give-up"));

            assertThat(s.failed()).isEqualTo(proxy.injected()).isPositive();
            assertThat(s.sent() + s.failed()).isEqualTo(300);
            assertThat(s.failuresByCode()).containsOnlyKeys("ProvisionedThroughputExceededException");
            assertThat(s.failedEventIds()).hasSize((int) Math.min(100, s.failed()));
            assertThat(s.allDelivered()).isFalse();
            assertThat(KinesisStreams.readAll(kinesis, "clicks-give-up")).hasSize((int) s.sent());
        }
    }

    /** The proxy rewrites JSON bodies: this client has CBOR off (read when the client is built). */
    private static KinesisClient jsonProtocolClient(FaultInjectingProxy proxy) {
        String before = System.getProperty("aws.cborEnabled");
        System.setProperty("aws.cborEnabled", "false");
        try {
            return KinesisClient.builder().endpointOverride(proxy.endpoint()).region(Region.US_EAST_1)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                    .build();
        } finally {
            if (before == null) System.clearProperty("aws.cborEnabled");
            else System.setProperty("aws.cborEnabled", before);
        }
    }
}
