package io.pipekit.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.Test;

/** The busy/idle signal ECS task protection follows. */
class InFlightRegistryTest {

    /** Mirrors what task protection would hold: on from onBusy to onIdle. */
    private static final class Protection implements WorkerListener {
        volatile boolean on;
        @Override public void onBusy() { on = true; }
        @Override public void onIdle() { on = false; }
    }

    @Test
    void protectionIsOnWheneverAMessageIsHeldAcrossAThousandRacingFlips() throws Exception {
        Protection protection = new Protection();
        InFlightRegistry registry = new InFlightRegistry(protection);
        int flips = 1_000;
        CyclicBarrier together = new CyclicBarrier(2);
        List<String> violations = new CopyOnWriteArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            String name = "t" + t;
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    for (int i = 0; i < flips; i++) {
                        together.await(); // both flip at the same moment: one's 1→0 races the other's 0→1
                        InFlight message = Messages.held(name + "-" + i);
                        registry.add(message);
                        if (!protection.on) {
                            violations.add(message.messageId());
                        }
                        Thread.yield();
                        if (!protection.on) {
                            violations.add(message.messageId());
                        }
                        registry.remove(message);
                    }
                } catch (Exception e) {
                    violations.add(e.toString());
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(violations).as("moments a message was held while protection was off").isEmpty();
        assertThat(registry.size()).isZero();
        assertThat(protection.on).isFalse();
    }
}
