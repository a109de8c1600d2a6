package io.pipekit.worker;

import java.util.List;

/** Hands a received batch to processing. Each message already holds one unit of capacity. */
sealed interface Dispatcher permits StandardDispatcher, FifoDispatcher {

    void dispatch(List<InFlight> batch);
}
