package io.pipekit.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
    void aReleaseWakesOnlyTheWaitersItCanSatisfy() throws InterruptedException {
        ConcurrencyLimiter limiter = new ConcurrencyLimiter(30);
        limiter.acquireUpTo(30);
        AtomicInteger granted = new AtomicInteger();
        List<Thread> pollers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            pollers.add(Thread.ofVirtual().start(() -> {
                try {
                    granted.addAndGet(limiter.acquireAll(10));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        await().until(() -> limiter.waiting() == 3);
        for (int i = 0; i < 9; i++) {
            limiter.release(1); // one message done at a time, as handlers finish
        }
        assertThat(limiter.wakeups()).as("nine permits satisfy nobody waiting for ten: nobody is woken").isZero();
        limiter.release(1);
        await().until(() -> granted.get() == 10);
        assertThat(limiter.wakeups()).as("ten permits: exactly one waiter").isEqualTo(1);
        assertThat(limiter.waiting()).isEqualTo(2);

        limiter.release(20); // room for both others at once: both woken
        for (Thread poller : pollers) {
            poller.join();
        }
        assertThat(granted).hasValue(30);
        assertThat(limiter.wakeups()).isEqualTo(3);
        assertThat(limiter.inUse()).isEqualTo(30);
    }

    @Test
    void aSmallAcquireIsNotHeldBehindAWholeBatchAndAnInterruptedWaiterPassesItsTurnOn() throws InterruptedException {
        ConcurrencyLimiter limiter = new ConcurrencyLimiter(10);
        limiter.acquireUpTo(10);
        AtomicInteger batch = new AtomicInteger(-1);
        Thread whole = Thread.ofVirtual().start(() -> {
            try {
                batch.set(limiter.acquireAll(10));
            } catch (InterruptedException e) {
                batch.set(-2);
            }
        });
        await().until(() -> limiter.waiting() == 1);
        AtomicInteger single = new AtomicInteger(-1);
        Thread one = Thread.ofVirtual().start(() -> {
            try {
                single.set(limiter.acquireUpTo(1));
            } catch (InterruptedException e) {
                single.set(-2);
            }
        });
        await().until(() -> limiter.waiting() == 2);
        limiter.release(1);
        one.join();
        assertThat(single).as("one free permit serves the receive that asks for one").hasValue(1);
        whole.interrupt();
        whole.join();
        assertThat(batch).hasValue(-2);
        assertThat(limiter.waiting()).isZero();
        assertThat(limiter.inUse()).isEqualTo(10);
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

    @Test
    void tryAcquireOneNeverWaitsAndNeverBargesPastAWaiter() throws InterruptedException {
        ConcurrencyLimiter limiter = new ConcurrencyLimiter(10);
        assertThat(limiter.tryAcquireOne()).isTrue();
        limiter.acquireUpTo(4);
        Thread batch = Thread.ofVirtual().start(() -> {
            try {
                limiter.acquireAll(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        await().until(() -> limiter.waiting() == 1);
        // 5 are free, but a receive waits for a whole batch: taking one would only hold it back longer
        assertThat(limiter.tryAcquireOne()).isFalse();
        limiter.release(5);
        batch.join();
        assertThat(limiter.tryAcquireOne()).isFalse(); // all 10 taken by the batch
        limiter.release(10);
        assertThat(limiter.tryAcquireOne()).isTrue();
        assertThat(limiter.inUse()).isEqualTo(1);
    }
}
