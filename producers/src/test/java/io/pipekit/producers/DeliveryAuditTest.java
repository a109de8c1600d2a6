package io.pipekit.producers;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipekit.producers.internal.scenario.EventGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeliveryAuditTest {

    @Test
    void findsGapsDuplicatesStrayRunsAndLatency() {
        Instant t0 = Instant.parse("2026-11-23T12:00:00Z");
        EventGenerator g = new EventGenerator(TrafficPlan.of(Scenario.IOT).withRunId("run-a"));
        List<SampleEvent> events = new ArrayList<>();
        for (int i = 0; i < 50; i++) events.add(g.next(t0));
        DeliveryAudit audit = new DeliveryAudit("run-a");
        for (SampleEvent e : events) {
            if (e.seq() == 7 || e.seq() == 30) continue; // lost
            audit.record(e, t0.plusMillis(10 + e.seq()));
        }
        audit.record(events.get(3), t0.plusMillis(500)); // redelivered
        audit.record(new EventGenerator(TrafficPlan.of(Scenario.IOT).withRunId("run-b")).next(t0), t0);

        DeliveryAudit.Report r = audit.report(50);

        assertThat(r.received()).isEqualTo(49);
        assertThat(r.unique()).isEqualTo(48);
        assertThat(r.duplicates()).isEqualTo(1);
        assertThat(r.missing()).isEqualTo(2);
        assertThat(r.missingSeqs()).containsExactly(7L, 30L);
        assertThat(r.otherRuns()).isEqualTo(1);
        assertThat(r.complete()).isFalse();
        assertThat(r.latencyMax()).isEqualTo(Duration.ofMillis(500));
        assertThat(r.latencyP50()).isBetween(Duration.ofMillis(30), Duration.ofMillis(40));
    }
}
