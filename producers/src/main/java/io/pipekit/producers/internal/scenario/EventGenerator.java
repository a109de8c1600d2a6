package io.pipekit.producers.internal.scenario;

import io.pipekit.producers.SampleEvent;
import io.pipekit.producers.Scenario;
import io.pipekit.producers.TrafficPlan;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Turns a plan into a deterministic sequence of {@link SampleEvent}s: everything except
 * {@code producedAt} and {@code runId} is a function of the seed and the position. Not thread-safe:
 * the producer loop is its only caller.
 */
public final class EventGenerator {

    /** {@code ,"pad":""} — what adding the pad field costs before any filler. */
    private static final int PAD_FIELD_OVERHEAD = 9;
    private static final String FILLER = "pipekit-sample-padding-";

    private final TrafficPlan plan;
    private final SplittableRandom rng;
    private final ScenarioModel model;
    private long seq;

    public EventGenerator(TrafficPlan plan) {
        this.plan = plan;
        this.rng = new SplittableRandom(plan.seed());
        this.model = switch (plan.scenario()) {
            case ORDERS -> new OrdersModel();
            case CLICKSTREAM -> new ClickstreamModel();
            case IOT -> new IotModel();
        };
    }

    public SampleEvent next(Instant producedAt) {
        long s = seq++;
        // a version-4-shaped UUID drawn from the seeded generator: repeatable per seed
        UUID id = new UUID((rng.nextLong() & ~0xF000L) | 0x4000L,
                (rng.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L);
        int keyIndex = plan.keys().pick(rng);
        ScenarioModel.Draft d = model.next(keyIndex, rng);
        SampleEvent e = new SampleEvent(id.toString(), plan.runId(), s, plan.scenario().id(), d.type(), d.key(),
                d.subject(), producedAt, d.data(), null);
        if (plan.payloadSize() > 0) {
            int natural = e.toJson().getBytes(StandardCharsets.UTF_8).length;
            int fill = plan.payloadSize() - natural - PAD_FIELD_OVERHEAD;
            if (fill > 0) {
                e = new SampleEvent(e.eventId(), e.runId(), e.seq(), e.scenario(), e.type(), e.key(), e.subject(),
                        e.producedAt(), e.data(), filler(fill));
            }
        }
        return e;
    }

    public long generated() {
        return seq;
    }

    public Scenario scenario() {
        return plan.scenario();
    }

    private static String filler(int n) {
        StringBuilder b = new StringBuilder(n);
        while (b.length() < n) {
            b.append(FILLER, 0, Math.min(FILLER.length(), n - b.length()));
        }
        return b.toString();
    }
}
