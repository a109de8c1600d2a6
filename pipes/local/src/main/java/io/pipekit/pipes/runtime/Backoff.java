package io.pipekit.pipes.runtime;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Exponential backoff with full jitter between a floor and a cap. */
record Backoff(Duration initial, Duration max) {

    Duration delay(int attempt) {
        long base = initial.toMillis() << Math.min(attempt, 20);
        long capped = Math.min(Math.max(base, initial.toMillis()), max.toMillis());
        // jitter in [capped/2, capped] keeps retries of many shards apart without ever skipping the wait
        return Duration.ofMillis(capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1));
    }
}
