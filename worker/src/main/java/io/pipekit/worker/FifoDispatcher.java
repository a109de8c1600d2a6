package io.pipekit.worker;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * FIFO queues: order within a {@code MessageGroupId}, parallel across groups (docs/comparable-tools.md §2 item 4).
 *
 * <p>Each group of a received batch runs serially, in receive order, on one virtual thread. After a
 * failure the rest of that group is released (visibility 0) rather than processed out of order;
 * SQS keeps the group locked while the failed message is invisible, so the group resumes in order
 * with the failed message first. Across batches SQS itself guarantees order: it returns no further
 * message of a group while one is in flight.
 */
final class FifoDispatcher implements Dispatcher {

    private final MessageProcessor processor;
    private final MessageSettler settler;
    private final BooleanSupplier stopping;

    public FifoDispatcher(MessageProcessor processor, MessageSettler settler, BooleanSupplier stopping) {
        this.processor = processor;
        this.settler = settler;
        this.stopping = stopping;
    }

    @Override
    public void dispatch(List<InFlight> batch) {
        for (List<InFlight> group : groups(batch)) {
            Thread.ofVirtual().name("pipekit-fifo-group").start(() -> runInOrder(group));
        }
    }

    /**
     * Processes the group in order. Whatever ends the run early — a failure, a shutdown, or an
     * {@code Error} thrown through the handler (a {@code StackOverflowError}, say) — the messages
     * not yet processed are released in the {@code finally}, so none is left held (and heartbeated,
     * and protecting the task) by a thread that is gone.
     */
    void runInOrder(List<InFlight> group) {
        int next = 0;
        try {
            while (next < group.size()) {
                // on shutdown, a group's messages that have not started are handed back at once
                if (stopping.getAsBoolean()) {
                    break;
                }
                boolean ok = processor.process(group.get(next));
                next++;
                if (!ok) {
                    break;
                }
            }
        } finally {
            if (next < group.size()) {
                settler.release(group.subList(next, group.size()));
            }
        }
    }

    /** Splits a batch by message group, keeping receive order inside each group. */
    static List<List<InFlight>> groups(List<InFlight> batch) {
        Map<String, List<InFlight>> byGroup = new LinkedHashMap<>();
        List<List<InFlight>> groups = new ArrayList<>();
        for (InFlight message : batch) {
            String group = message.message().messageGroupId().orElse(null);
            if (group == null) {
                groups.add(List.of(message)); // no group id: nothing to order against
            } else {
                byGroup.computeIfAbsent(group, g -> {
                    List<InFlight> list = new ArrayList<>();
                    groups.add(list);
                    return list;
                }).add(message);
            }
        }
        return groups;
    }
}
