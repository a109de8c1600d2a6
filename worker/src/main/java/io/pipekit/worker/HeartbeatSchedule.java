package io.pipekit.worker;

import io.pipekit.worker.WorkerOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * When to extend a message's visibility and by how much — pure arithmetic, driven by each
 * message's own deadline rather than a fixed timer (docs/comparable-tools.md §2 item 2).
 *
 * <p>A message is due once less than {@code (1 − fraction) × timeout} of its lease is left. The
 * extension asks for a full {@code timeout} again, but never past SQS's ceiling of 12 h counted from
 * the receive (extensions don't reset it, docs/aws-behaviour.md §9), less a safety margin, because asking
 * past the ceiling is an error.
 */
final class HeartbeatSchedule {

    private final Duration timeout;
    private final Duration dueWhenRemaining;

    public HeartbeatSchedule(Duration timeout, double fraction) {
        this.timeout = timeout;
        this.dueWhenRemaining = Duration.ofMillis((long) (timeout.toMillis() * (1.0 - fraction)));
    }

    /** How often the heartbeat should look: often enough to catch a due message well before expiry. */
    public Duration tickInterval() {
        long millis = dueWhenRemaining.toMillis() / 4;
        return Duration.ofMillis(Math.clamp(millis, 50, 1_000));
    }

    public boolean isDue(Instant visibleUntil, Instant now) {
        return Duration.between(now, visibleUntil).compareTo(dueWhenRemaining) <= 0;
    }

    /**
     * The timeout to request now, or empty when the ceiling leaves no room to extend beyond the
     * current lease.
     *
     * @param sinceReceive time elapsed since the receive
     * @param remaining    what is left of the current lease
     */
    public Optional<Duration> extension(Duration sinceReceive, Duration remaining) {
        Duration room = SqsLimits.roomBeforeCeiling(sinceReceive);
        if (timeout.compareTo(room) <= 0) {
            return Optional.of(timeout);
        }
        // near the ceiling: only worth a call if it still lengthens the lease by a whole second
        return room.compareTo(remaining.plusSeconds(1)) > 0 ? Optional.of(room) : Optional.empty();
    }
}
