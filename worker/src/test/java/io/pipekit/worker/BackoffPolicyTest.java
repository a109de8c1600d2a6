package io.pipekit.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class BackoffPolicyTest {

    private final BackoffPolicy policy = new BackoffPolicy(Duration.ofSeconds(2), 2.0, Duration.ofSeconds(60), false);

    @ParameterizedTest(name = "receive {0} -> {1} ms")
    @CsvSource({"0,2000", "1,2000", "2,4000", "3,8000", "5,32000", "6,60000", "40,60000", "2147483647,60000"})
    void growsExponentiallyFromTheReceiveCountAndIsCapped(int receiveCount, long expectedMillis) {
        assertThat(policy.delayFor(receiveCount)).isEqualTo(Duration.ofMillis(expectedMillis));
    }

    @Test
    void equalJitterStaysWithinHalfToFullDelay() {
        BackoffPolicy jittered = policy.withJitter(true);
        assertThat(jittered.delayFor(3, () -> 0.0)).isEqualTo(Duration.ofSeconds(4));
        assertThat(jittered.delayFor(3, () -> 0.999_999)).isBetween(Duration.ofMillis(7_990), Duration.ofSeconds(8));
        assertThat(jittered.delayFor(3, () -> 0.5)).isEqualTo(Duration.ofSeconds(6));
    }

    @Test
    void immediateRetriesAtOnce() {
        assertThat(BackoffPolicy.immediate().delayFor(7)).isZero();
    }

    @Test
    void rejectsWhatSqsCannotDo() {
        assertThatThrownBy(() -> BackoffPolicy.exponential(Duration.ofSeconds(1), 2, Duration.ofHours(13)))
                .hasMessageContaining("12 h");
        assertThatThrownBy(() -> BackoffPolicy.exponential(Duration.ofSeconds(10), 2, Duration.ofSeconds(5)))
                .hasMessageContaining("below its initial");
        assertThatThrownBy(() -> BackoffPolicy.exponential(Duration.ofSeconds(1), 0.5, Duration.ofSeconds(5)))
                .hasMessageContaining("multiplier");
    }
}
