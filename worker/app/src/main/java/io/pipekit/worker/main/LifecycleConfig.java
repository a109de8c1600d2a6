package io.pipekit.worker.main;

import io.pipekit.worker.WorkerOptions;
import io.pipekit.worker.config.ConfigException;
import io.pipekit.worker.config.DurationValue;
import io.pipekit.worker.health.PollerLiveness;
import io.pipekit.worker.protection.ProtectionOptions;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
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
        ProtectionOptions protection = protection(env, options.visibilityTimeout());
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

    /**
     * Reads {@code ECS_AGENT_URI} and {@code PIPEKIT_PROTECTION_*}. {@code PIPEKIT_PROTECTION=off}
     * disables protection even inside ECS. The default expiry grows to cover twice the visibility
     * timeout, so a message's lease always ends before a hung task's protection does.
     */
    static ProtectionOptions protection(Map<String, String> env, Duration visibilityTimeout) {
        String agent = env.get(ProtectionOptions.AGENT_URI);
        String switchValue = env.getOrDefault("PIPEKIT_PROTECTION", "on").trim().toLowerCase();
        boolean on = switch (switchValue) {
            case "on", "true", "1", "yes", "" -> true;
            case "off", "false", "0", "no" -> false;
            default -> throw new ConfigException("PIPEKIT_PROTECTION", "'" + switchValue + "' is not on or off", null);
        };
        Optional<URI> uri = Optional.empty();
        if (on && agent != null && !agent.isBlank()) {
            try {
                uri = Optional.of(URI.create(agent.trim()));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(ProtectionOptions.AGENT_URI, "'" + agent + "' is not a URI", "ECS sets it; unset it outside ECS");
            }
        }
        ProtectionOptions d = ProtectionOptions.defaults(uri);
        long minutesForVisibility = (visibilityTimeout.multipliedBy(2).toSeconds() + 59) / 60;
        Duration defaultExpiry = Duration.ofMinutes(Math.min(ProtectionOptions.MAX_EXPIRY_MINUTES, Math.max(d.expiry().toMinutes(), minutesForVisibility)));
        Duration expiry = duration(env, "PIPEKIT_PROTECTION_EXPIRY", defaultExpiry);
        if (expiry.compareTo(visibilityTimeout) <= 0) {
            throw new ConfigException("PIPEKIT_PROTECTION_EXPIRY", "must be longer than the visibility timeout ("
                    + visibilityTimeout.toSeconds() + "s), was " + expiry.toSeconds() + "s",
                    "A protection that expires first lets scale-in stop a task still holding messages");
        }
        double renew = d.renewFraction();
        String renewRaw = env.get("PIPEKIT_PROTECTION_RENEW_AT");
        if (renewRaw != null && !renewRaw.isBlank()) {
            try {
                renew = Double.parseDouble(renewRaw.trim());
            } catch (NumberFormatException e) {
                throw new ConfigException("PIPEKIT_PROTECTION_RENEW_AT", "'" + renewRaw + "' is not a number", "e.g. 0.5");
            }
        }
        try {
            return new ProtectionOptions(uri, expiry, renew,
                    duration(env, "PIPEKIT_PROTECTION_HOLD_DOWN", d.holdDown()),
                    duration(env, "PIPEKIT_PROTECTION_TIMEOUT", d.callTimeout()),
                    duration(env, "PIPEKIT_PROTECTION_MIN_INTERVAL", d.minCallInterval()));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("PIPEKIT_PROTECTION_*", e.getMessage(), "See the worker README, section Task protection");
        }
    }


    private static Duration duration(Map<String, String> env, String variable, Duration fallback) {
        String raw = env.get(variable);
        return raw == null || raw.isBlank() ? fallback : DurationValue.parse(variable, raw);
    }
}
