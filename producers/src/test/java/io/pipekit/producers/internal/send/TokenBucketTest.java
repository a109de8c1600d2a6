package io.pipekit.producers.internal.send;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The bucket's arithmetic on a simulated clock: no sleeping, no timing assertions. */
class TokenBucketTest {

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);

    @Test
    void releasesOneTokenPerIntervalAtTheConfiguredRate() {
        TokenBucket bucket = new TokenBucket(100, 10, clock::get);
        assertThat(bucket.tryAcquire()).as("first event goes at once").isTrue();
        assertThat(bucket.tryAcquire()).isFalse();
        assertThat(bucket.nanosToNextToken()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(10));
        clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(10));
        assertThat(bucket.tryAcquire()).isTrue();
        assertThat(bucket.tryAcquire()).isFalse();
    }

    @Test
    void holdsTheRateOverTenSimulatedSeconds() {
        TokenBucket bucket = new TokenBucket(1_000, 100, clock::get);
        long acquired = 0;
        for (int ms = 0; ms < 10_000; ms++) {
            while (bucket.tryAcquire()) acquired++;
            clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(1));
        }
        assertThat(acquired).isBetween(10_000L, 10_001L);
    }

    @Test
    void afterAStallCatchesUpByAtMostItsCapacity() {
        TokenBucket bucket = new TokenBucket(1_000, 100, clock::get);
        bucket.tryAcquire();
        clock.addAndGet(TimeUnit.SECONDS.toNanos(5)); // e.g. every batch slot was busy for 5 s
        int burst = 0;
        while (bucket.tryAcquire()) burst++;
        assertThat(burst).isEqualTo(100);
    }

    @Test
    void steadyBucketsHoldATenthOfASecond() {
        TokenBucket slow = TokenBucket.steady(5);
        assertThat(slow.tryAcquire()).isTrue();
        assertThat(slow.tryAcquire()).as("capacity is at least one token, no burst at 5/s").isFalse();
    }
}
