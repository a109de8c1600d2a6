package io.pipekit.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class HeartbeatScheduleTest {

    private final HeartbeatSchedule schedule = new HeartbeatSchedule(Duration.ofSeconds(30), 0.5);
    private final Instant now = Instant.parse("2026-11-23T10:00:00Z");

    @Test
    void dueOnceLessThanTheUnusedFractionOfTheLeaseIsLeft() {
        assertThat(schedule.isDue(now.plusSeconds(29), now)).isFalse();
        assertThat(schedule.isDue(now.plusSeconds(16), now)).isFalse();
        assertThat(schedule.isDue(now.plusSeconds(15), now)).isTrue();
        assertThat(schedule.isDue(now.plusSeconds(1), now)).isTrue();
        assertThat(schedule.isDue(now.minusSeconds(1), now)).isTrue();
    }

    @Test
    void extendsByTheFullTimeout() {
        assertThat(schedule.extension(Duration.ofMinutes(5), Duration.ofSeconds(14))).contains(Duration.ofSeconds(30));
    }

    @Test
    void anEarlyHeartbeatStillExtendsByTheFullTimeout() {
        // fraction 0.2: due with 80 % of the lease left — the extension must not be mistaken for "no room"
        HeartbeatSchedule early = new HeartbeatSchedule(Duration.ofSeconds(3), 0.2);
        assertThat(early.isDue(now.plusMillis(2_400), now)).isTrue();
        assertThat(early.extension(Duration.ofSeconds(1), Duration.ofMillis(2_400))).contains(Duration.ofSeconds(3));
    }

    @Test
    void neverAsksPastTwelveHoursFromTheReceive() {
        Duration sinceReceive = Duration.ofHours(12).minusSeconds(25);
        assertThat(schedule.extension(sinceReceive, Duration.ofSeconds(5))).contains(Duration.ofSeconds(15));
    }

    @Test
    void stopsWhenTheCeilingLeavesNoRoom() {
        Duration sinceReceive = Duration.ofHours(12).minusSeconds(12);
        assertThat(schedule.extension(sinceReceive, Duration.ofSeconds(2))).isEmpty();
    }

    @Test
    void ticksOftenEnoughForShortTimeouts() {
        assertThat(new HeartbeatSchedule(Duration.ofSeconds(2), 0.5).tickInterval()).isEqualTo(Duration.ofMillis(250));
        assertThat(new HeartbeatSchedule(Duration.ofMinutes(15), 0.5).tickInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(new HeartbeatSchedule(Duration.ofSeconds(1), 0.9).tickInterval()).isEqualTo(Duration.ofMillis(50));
    }
}
