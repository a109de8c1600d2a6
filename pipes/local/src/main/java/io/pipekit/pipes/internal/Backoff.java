package io.pipekit.pipes.internal;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter between a floor and a cap: the one back-off of the local Pipes
 * runtime and the local bus ("exponential back off and jitter", docs/aws-behaviour.md §1.9, §2.4).
 */
public record Backoff(Duration initial, Duration max) {

    public Duration delay(int attempt) {
        long base = initial.toMillis() << Math.min(attempt, 20);
        long capped = Math.min(Math.max(base, initial.toMillis()), max.toMillis());
        // jitter in [capped/2, capped] keeps retries of many shards apart without ever skipping the wait
        return Duration.ofMillis(capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1));
    }
}
