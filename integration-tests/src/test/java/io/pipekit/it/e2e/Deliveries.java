package io.pipekit.it.e2e;

import io.pipekit.producers.DeliveryAudit;
import io.pipekit.producers.SampleEvent;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a worker handler saw, collected thread-safely: a {@link DeliveryAudit} (missing, duplicates,
 * latency), copies per {@code seq}, and the events in processing order.
 */
final class Deliveries {

    private final DeliveryAudit audit;
    private final Map<Long, AtomicInteger> copies = new ConcurrentHashMap<>();
    private final List<SampleEvent> inOrder = new CopyOnWriteArrayList<>();

    Deliveries(String runId) {
        this.audit = new DeliveryAudit(runId);
    }

    void record(SampleEvent event) {
        audit.record(event, Instant.now());
        copies.computeIfAbsent(event.seq(), s -> new AtomicInteger()).incrementAndGet();
        inOrder.add(event);
    }

    int unique() {
        return copies.size();
    }

    Set<Long> seqs() {
        return Set.copyOf(copies.keySet());
    }

    List<SampleEvent> inOrder() {
        return List.copyOf(inOrder);
    }

    DeliveryAudit.Report report(long produced) {
        return audit.report(produced);
    }
}
