package io.pipekit.worker.dispatch;

import io.pipekit.worker.internal.InFlight;
import java.util.List;

/** Hands a received batch to processing. Each message already holds one unit of capacity. */
public sealed interface Dispatcher permits StandardDispatcher, FifoDispatcher {

    void dispatch(List<InFlight> batch);
}
