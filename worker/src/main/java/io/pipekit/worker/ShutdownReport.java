package io.pipekit.worker;

import java.time.Duration;

/**
 * What a shutdown did.
 *
 * @param took     wall time from the shutdown call to return
 * @param drained  handlers that finished during the drain
 * @param released messages handed back to the queue unprocessed (visibility 0), for another worker
 * @param clean    true when every in-flight handler finished inside the budget
 */
public record ShutdownReport(Duration took, int drained, int released, boolean clean) {}
