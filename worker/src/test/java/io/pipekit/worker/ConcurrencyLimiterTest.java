package io.pipekit.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ConcurrencyLimiterTest {

    @Test
    void grantsAtMostWhatIsFree() throws InterruptedException {
        ConcurrencyLimiter limiter = new ConcurrencyLimiter(25);
        assertThat(limiter.acquireUpTo(10)).isEqualTo(10);
        assertThat(limiter.acquireUpTo(10)).isEqualTo(10);
        assertThat(limiter.acquireUpTo(10)).isEqualTo(5);
        assertThat(limiter.inUse()).isEqualTo(25);
    }

    @Test
    void acquireAllWaitsForTheWholeCountAndNeverExceedsTheCapacity() throws InterruptedException {
        ConcurrencyLimiter limiter = new ConcurrencyLimiter(12);
        limiter.acquireUpTo(5);
        AtomicInteger granted = new AtomicInteger(-1);
        Thread poller = Thread.ofVirtual().start(() -> {
            try {
                granted.set(limiter.acquireAll(10));
            } catch (InterruptedException e) {
                granted.set(-2);
            }
        });
        // 7 free: not enough for a whole batch, so nothing is taken yet
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> granted.get() == -1);
        assertThat(limiter.inUse()).isEqualTo(5);
        limiter.release(3);
        poller.join();
        assertThat(granted).hasValue(10);
        assertThat(limiter.inUse()).isEqualTo(12);

        ConcurrencyLimiter small = new ConcurrencyLimiter(4);
        assertThat(small.acquireAll(10)).as("clamped to the capacity, or it would wait forever").isEqualTo(4);
    }

    @Test
    void blocksWhenFullUntilCapacityIsReleased() throws InterruptedException {
        ConcurrencyLimiter limiter = new ConcurrencyLimiter(3);
        limiter.acquireUpTo(3);
        AtomicInteger granted = new AtomicInteger(-1);
        Thread poller = Thread.ofVirtual().start(() -> {
            try {
                granted.set(limiter.acquireUpTo(10));
            } catch (InterruptedException e) {
                granted.set(-2);
            }
        });
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> granted.get() == -1);
        limiter.release(2);
        poller.join();
        assertThat(granted).hasValue(2);
    }

    @Test
    void awaitsDrain() throws InterruptedException {
        ConcurrencyLimiter limiter = new ConcurrencyLimiter(4);
        limiter.acquireUpTo(4);
        assertThat(limiter.awaitInUseAtMost(0, Duration.ofMillis(20))).isFalse();
        Thread.ofVirtual().start(() -> limiter.release(4));
        assertThat(limiter.awaitInUseAtMost(0, Duration.ofSeconds(5))).isTrue();
    }

    @Test
    void refusesToReleaseMoreThanTaken() {
        ConcurrencyLimiter limiter = new ConcurrencyLimiter(2);
        assertThatThrownBy(() -> limiter.release(1)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void acquireIsInterruptible() throws InterruptedException {
        ConcurrencyLimiter limiter = new ConcurrencyLimiter(1);
        limiter.acquireUpTo(1);
        AtomicInteger outcome = new AtomicInteger();
        Thread poller = Thread.ofVirtual().start(() -> {
            try {
                limiter.acquireUpTo(1);
                outcome.set(1);
            } catch (InterruptedException e) {
                outcome.set(2);
            }
        });
        poller.interrupt();
        poller.join();
        assertThat(outcome).hasValue(2);
    }
}
