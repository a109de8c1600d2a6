package io.pipekit.producers.internal.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipekit.producers.KeySpace;
import io.pipekit.producers.SampleEvent;
import io.pipekit.producers.Scenario;
import io.pipekit.producers.TrafficPlan;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class EventGeneratorTest {

    private static List<SampleEvent> generate(TrafficPlan plan, int n) {
        EventGenerator g = new EventGenerator(plan);
        List<SampleEvent> out = new ArrayList<>();
        Instant t = Instant.parse("2026-11-23T12:00:00Z");
        for (int i = 0; i < n; i++) out.add(g.next(t.plusMillis(i)));
        return out;
    }

    @ParameterizedTest
    @EnumSource(Scenario.class)
    void sameSeedRepeatsTheSameEventsAndAnotherSeedDoesNot(Scenario scenario) {
        TrafficPlan plan = TrafficPlan.of(scenario).withSeed(42);
        List<String> a = generate(plan.withRunId("a"), 500).stream().map(SampleEvent::repeatableForm).toList();
        List<String> b = generate(plan.withRunId("b"), 500).stream().map(SampleEvent::repeatableForm).toList();
        List<String> c = generate(plan.withSeed(43), 500).stream().map(SampleEvent::repeatableForm).toList();
        assertThat(a).isEqualTo(b);
        assertThat(a.getFirst()).isNotEqualTo(c.getFirst());
    }

    @ParameterizedTest
    @EnumSource(Scenario.class)
    void everyEventCarriesTheSchemaAUniqueIdAndASequence(Scenario scenario) {
        List<SampleEvent> events = generate(TrafficPlan.of(scenario).withRunId("r1"), 1000);
        assertThat(events).extracting(SampleEvent::eventId).doesNotHaveDuplicates();
        assertThat(events).extracting(SampleEvent::seq).containsExactlyElementsOf(LongStream.range(0, 1000).boxed().toList());
        for (SampleEvent e : events) {
            SampleEvent back = SampleEvent.parse(e.toJson());
            assertThat(back.toJson()).isEqualTo(e.toJson());
            assertThat(e.runId()).isEqualTo("r1");
            assertThat(e.scenario()).isEqualTo(scenario.id());
            assertThat(e.type()).startsWith(switch (scenario) {
                case ORDERS -> "order.";
                case CLICKSTREAM -> "click.";
                case IOT -> "sensor.";
            });
            assertThat(e.key()).isNotBlank();
            assertThat(e.subject()).isNotBlank();
        }
    }

    @Test
    void ordersMoveThroughTheirStatesUnderOneKey() {
        List<SampleEvent> events = generate(TrafficPlan.of(Scenario.ORDERS).withKeys(KeySpace.uniform(20)), 3000);
        Map<String, List<SampleEvent>> byOrder = new LinkedHashMap<>();
        for (SampleEvent e : events) byOrder.computeIfAbsent(e.subject(), k -> new ArrayList<>()).add(e);

        Set<String> finals = new HashSet<>();
        for (List<SampleEvent> history : byOrder.values()) {
            List<String> types = history.stream().map(SampleEvent::type).toList();
            assertThat(types.getFirst()).isEqualTo("order.placed");
            assertThat(String.join(",", types)).matches(
                    "order\\.placed(,order\\.paid(,order\\.(shipped|cancelled))?|,order\\.cancelled)?");
            assertThat(history).extracting(SampleEvent::key).containsOnly(history.getFirst().key());
            assertThat(history).extracting(e -> e.data().get("orderId").asText()).containsOnly(history.getFirst().subject());
            assertThat(history).extracting(e -> e.data().get("total").asDouble()).containsOnly(history.getFirst().data().get("total").asDouble());
            finals.add(types.getLast());
        }
        assertThat(finals).contains("order.shipped", "order.cancelled");
        assertThat(byOrder.size()).isGreaterThan(500);
    }

    @ParameterizedTest
    @EnumSource(Scenario.class)
    void padsEveryEventToThePayloadSizeExactly(Scenario scenario) {
        for (SampleEvent e : generate(TrafficPlan.of(scenario).withPayloadSize(2048), 200)) {
            assertThat(e.toJson().getBytes(StandardCharsets.UTF_8)).hasSize(2048);
        }
        for (SampleEvent e : generate(TrafficPlan.of(scenario).withPayloadSize(50), 20)) {
            assertThat(e.pad()).as("already larger than requested: not padded").isNull();
        }
    }

    @Test
    void hotKeyTakesItsShareAndTheRestSpreadsOverTheCardinality() {
        List<SampleEvent> events = generate(TrafficPlan.of(Scenario.IOT).withKeys(KeySpace.parse("50:hot=0.4")), 10_000);
        Map<String, Integer> counts = new LinkedHashMap<>();
        events.forEach(e -> counts.merge(e.key(), 1, Integer::sum));
        assertThat(counts).hasSize(50);
        // key 0 gets the hot share plus its uniform share of the rest: 0.4 + 0.6/50 = 41.2 %
        assertThat(counts.get("device-00000")).isBetween(3900, 4350);
        assertThat(counts.entrySet().stream().filter(x -> !x.getKey().equals("device-00000")).mapToInt(Map.Entry::getValue).max().orElseThrow())
                .isLessThan(250);
    }

    @Test
    void keySpaceParsing() {
        assertThat(KeySpace.parse("1000")).isEqualTo(new KeySpace(1000, 0));
        assertThat(KeySpace.parse("10:hot=0.25")).isEqualTo(new KeySpace(10, 0.25));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> KeySpace.parse("10:cold=1"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
