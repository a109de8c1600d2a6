package io.pipekit.it.e2e;

import io.pipekit.producers.SampleEvent;
import io.pipekit.producers.Target;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Wraps a producer target and keeps every event the service acknowledged: the ground truth a suite
 * compares deliveries with (which produced events match a filter, per-key order, last state per subject).
 */
final class RecordingTarget<R> implements Target<R> {

    private final Target<R> target;
    private final List<SampleEvent> acknowledged = new ArrayList<>();

    private RecordingTarget(Target<R> target) {
        this.target = target;
    }

    static <R> RecordingTarget<R> of(Target<R> target) {
        return new RecordingTarget<>(target);
    }

    /** Acknowledged events in {@code seq} order. */
    synchronized List<SampleEvent> acknowledged() {
        return acknowledged.stream().sorted(Comparator.comparingLong(SampleEvent::seq)).toList();
    }

    @Override
    public String describe() {
        return target.describe();
    }

    @Override
    public int maxBatchEntries() {
        return target.maxBatchEntries();
    }

    @Override
    public long maxBatchBytes() {
        return target.maxBatchBytes();
    }

    @Override
    public Entry<R> encode(SampleEvent event) {
        return target.encode(event);
    }

    @Override
    public List<Outcome> send(List<Entry<R>> batch) {
        List<Outcome> outcomes = target.send(batch);
        synchronized (this) {
            for (int i = 0; i < batch.size(); i++) {
                if (outcomes.get(i) instanceof Outcome.Delivered) {
                    acknowledged.add(batch.get(i).event());
                }
            }
        }
        return outcomes;
    }

    @Override
    public void close() {
        target.close();
    }
}
