package io.pipekit.producers.internal.send;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with full jitter (the AWS SDK's and the Architecture Blog's recommendation):
 * the delay before attempt {@code n+1} is uniform in {@code [0, min(cap, base * 2^(n-1))]}, so
 * many producers throttled together do not retry in lock-step.
 */
public record Backoff(Duration base, Duration cap) {

    public static final Backoff DEFAULT = new Backoff(Duration.ofMillis(50), Duration.ofSeconds(5));

    /** @param attempt the attempt that just failed, 1-based */
    public Duration delayAfter(int attempt) {
        long ceiling = Math.min(cap.toNanos(), base.toNanos() << Math.min(attempt - 1, 30));
        return Duration.ofNanos(ThreadLocalRandom.current().nextLong(ceiling + 1));
    }
}
