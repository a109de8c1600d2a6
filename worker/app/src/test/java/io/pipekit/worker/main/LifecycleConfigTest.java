package io.pipekit.worker.main;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pipekit.worker.WorkerOptions;
import io.pipekit.worker.config.ConfigException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** PIPEKIT_PROTECTION_*, PIPEKIT_HEALTH_* and PIPEKIT_METRICS_* from the environment. */
class LifecycleConfigTest {

    private static final WorkerOptions OPTIONS = WorkerOptions.builder("http://localhost:9324/000000000000/q").build();

    @Test
    void defaultsOutsideEcs() {
        LifecycleConfig config = LifecycleConfig.fromEnvironment(Map.of(), OPTIONS);

        assertThat(config.protection().enabled()).isFalse();
        assertThat(config.healthPort()).hasValue(8081);
        assertThat(config.stallAfter()).isEqualTo(Duration.ofSeconds(90)); // 3 × 20 s + 30 s
        assertThat(config.metricsInterval()).isEqualTo(Duration.ofMinutes(1));
        assertThat(config.service()).isEqualTo("pipekit-worker");
    }

    @Test
    void onEcsTheAgentUriEnablesProtectionUnlessSwitchedOff() {
        Map<String, String> ecs = Map.of("ECS_AGENT_URI", "http://169.254.170.2/api/abc-123", "COPILOT_SERVICE_NAME", "orders");

        LifecycleConfig on = LifecycleConfig.fromEnvironment(ecs, OPTIONS);
        assertThat(on.protection().agentUri()).contains(URI.create("http://169.254.170.2/api/abc-123"));
        assertThat(on.protection().expiry()).isEqualTo(Duration.ofMinutes(15));
        assertThat(on.service()).isEqualTo("orders");

        Map<String, String> off = new java.util.HashMap<>(ecs);
        off.put("PIPEKIT_PROTECTION", "off");
        assertThat(LifecycleConfig.fromEnvironment(off, OPTIONS).protection().enabled()).isFalse();
    }

    @Test
    void theDefaultExpiryOutlastsALongVisibilityTimeout() {
        WorkerOptions hourLong = OPTIONS.toBuilder().visibilityTimeout(Duration.ofHours(1)).build();

        LifecycleConfig config = LifecycleConfig.fromEnvironment(Map.of("ECS_AGENT_URI", "http://169.254.170.2/api/x"), hourLong);

        assertThat(config.protection().expiry()).isEqualTo(Duration.ofMinutes(120));
    }

    @Test
    void anExpiryNotLongerThanTheVisibilityTimeoutIsRejected() {
        assertThatThrownBy(() -> LifecycleConfig.fromEnvironment(Map.of("PIPEKIT_PROTECTION_EXPIRY", "30s"), OPTIONS))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("PIPEKIT_PROTECTION_EXPIRY");
        assertThatThrownBy(() -> LifecycleConfig.fromEnvironment(Map.of("PIPEKIT_PROTECTION_EXPIRY", "90s"), OPTIONS))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("whole minutes");
    }

    @Test
    void healthAndMetricsCanBeSwitchedOff() {
        LifecycleConfig config = LifecycleConfig.fromEnvironment(Map.of("PIPEKIT_HEALTH_PORT", "off", "PIPEKIT_METRICS_INTERVAL", "off"), OPTIONS);

        assertThat(config.healthPort()).isEmpty();
        assertThat(config.metricsInterval()).isZero();
        assertThatThrownBy(() -> LifecycleConfig.fromEnvironment(Map.of("PIPEKIT_HEALTH_PORT", "http"), OPTIONS))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("PIPEKIT_HEALTH_PORT");
    }
}
