package io.pipekit.worker.health;

import java.util.List;

/**
 * What {@code GET /health} answers (as JSON; HTTP 200 when {@code status} is not {@code "stalled"}).
 *
 * @param status              {@code ok}, {@code stalled} (some queue is stalled, stuck or failing) or {@code stopping}
 * @param inFlight            messages held now, all queues
 * @param maxConcurrency      the worker's capacity
 * @param protection          ECS task protection state ({@code DISABLED} outside ECS)
 * @param protectedUntil      ISO instant the protection expires, or null
 * @param queues              one entry per consumed queue
 */
public record HealthReport(String status, int inFlight, int maxConcurrency, String protection, String protectedUntil,
                           List<QueueHealth> queues) {

    public boolean healthy() {
        return !"stalled".equals(status);
    }

    /**
     * @param status              {@code ok}; {@code saturated} (full of work, which still completes: healthy);
     *                            {@code stuck} (full, and nothing completed for the stall time: hung handlers);
     *                            {@code failing} (SQS refuses an operation for good, see {@code lastReceiveError});
     *                            {@code stalled} (a poller shows no sign of life)
     * @param msSinceLastReceive  time since the last receive that returned, messages or not
     * @param receiving           a receive is out now
     */
    public record QueueHealth(String queue, String status, long msSinceLastReceive, boolean receiving, int inFlight,
                              long received, long processed, long failed, long released, long deleted,
                              long deleteFailed, long leaseLost, long receiveErrors, String lastReceiveError) {}
}
