package io.pipekit.worker;

import java.util.List;

/**
 * Standard queues: every message on its own virtual thread, so a slow message never holds up the
 * rest of its batch (docs/comparable-tools.md §2 item 1). Capacity, not the batch, bounds concurrency.
 */
final class StandardDispatcher implements Dispatcher {

    private final MessageProcessor processor;

    public StandardDispatcher(MessageProcessor processor) {
        this.processor = processor;
    }

    @Override
    public void dispatch(List<InFlight> batch) {
        for (InFlight message : batch) {
            Thread.ofVirtual().name("pipekit-handler").start(() -> processor.process(message));
        }
    }
}
