package io.pipekit.worker.main;

import io.pipekit.worker.WorkerOptions;
import io.pipekit.worker.config.ConfigException;
import io.pipekit.worker.config.DurationValue;
import io.pipekit.worker.health.PollerLiveness;
import io.pipekit.worker.protection.ProtectionOptions;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The container's lifecycle settings, next to the engine's: task protection, health and metrics.
 *
 * @param protection      {@code ECS_AGENT_URI} and {@code PIPEKIT_PROTECTION_*}
 * @param healthPort      {@code PIPEKIT_HEALTH_PORT} (default 8081, 0 = any free port, {@code off} = none)
 * @param stallAfter      {@code PIPEKIT_HEALTH_STALL_AFTER}: a poller silent this long is stalled
 * @param metricsInterval {@code PIPEKIT_METRICS_INTERVAL} (default 60 s, 0 or {@code off} = none)
 * @param namespace       {@code PIPEKIT_METRICS_NAMESPACE} (default {@code pipekit})
 * @param service         the {@code Service} metric dimension: {@code COPILOT_SERVICE_NAME} or {@code pipekit-worker}
 */
record LifecycleConfig(ProtectionOptions protection, OptionalInt healthPort, Duration stallAfter,
                       Duration metricsInterval, String namespace, String service) {

    static LifecycleConfig fromEnvironment(Map<String, String> env, WorkerOptions options) {
        ProtectionOptions protection = ProtectionOptions.fromEnvironment(env, options.visibilityTimeout());
        OptionalInt port = OptionalInt.of(8081);
        String rawPort = env.getOrDefault("PIPEKIT_HEALTH_PORT", "").trim();
        if (rawPort.equalsIgnoreCase("off")) {
            port = OptionalInt.empty();
        } else if (!rawPort.isEmpty()) {
            try {
                int value = Integer.parseInt(rawPort);
                if (value < 0 || value > 65535) {
                    throw new NumberFormatException();
                }
                port = OptionalInt.of(value);
            } catch (NumberFormatException e) {
                throw new ConfigException("PIPEKIT_HEALTH_PORT", "'" + rawPort + "' is not a port", "Use 1-65535, 0 for any free port, or off");
            }
        }
        Duration stallAfter = duration(env, "PIPEKIT_HEALTH_STALL_AFTER", PollerLiveness.defaultStallAfter(options.waitTime()));
        String rawInterval = env.getOrDefault("PIPEKIT_METRICS_INTERVAL", "").trim();
        Duration interval = rawInterval.equalsIgnoreCase("off") ? Duration.ZERO
                : duration(env, "PIPEKIT_METRICS_INTERVAL", Duration.ofMinutes(1));
        String namespace = env.getOrDefault("PIPEKIT_METRICS_NAMESPACE", "pipekit").trim();
        String service = env.getOrDefault("COPILOT_SERVICE_NAME", "pipekit-worker").trim();
        return new LifecycleConfig(protection, port, stallAfter, interval, namespace.isEmpty() ? "pipekit" : namespace,
                service.isEmpty() ? "pipekit-worker" : service);
    }

    private static Duration duration(Map<String, String> env, String variable, Duration fallback) {
        String raw = env.get(variable);
        return raw == null || raw.isBlank() ? fallback : DurationValue.parse(variable, raw);
    }
}
