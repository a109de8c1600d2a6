package io.pipekit.worker.protection;

import io.pipekit.worker.config.ConfigException;
import io.pipekit.worker.config.DurationValue;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * How {@link TaskProtection} behaves.
 *
 * @param agentUri        {@code ECS_AGENT_URI}; empty outside ECS, which makes protection a no-op
 * @param expiry          {@code ExpiresInMinutes} sent with every acquire/renew: a backstop if this
 *                        process hangs while protected; longer than the visibility timeout
 *                        (docs/comparable-tools.md §2 item 8), whole minutes, 1–2880 (docs/aws-behaviour.md §5.1)
 * @param renewFraction   renew once this fraction of {@code expiry} has passed while still busy
 * @param holdDown        keep protection this long after the worker went idle before releasing:
 *                        the debounce that keeps agent calls to state changes
 * @param callTimeout     bound on one agent call (connect and response)
 * @param minCallInterval never call the agent more often than this, whatever happens
 */
public record ProtectionOptions(Optional<URI> agentUri, Duration expiry, double renewFraction, Duration holdDown,
                                Duration callTimeout, Duration minCallInterval) {

    public static final String AGENT_URI = "ECS_AGENT_URI";
    /** docs/aws-behaviour.md §5.1: ExpiresInMinutes 1–2880. */
    static final long MAX_EXPIRY_MINUTES = 2880;

    public ProtectionOptions {
        if (expiry.toMinutes() < 1 || expiry.toMinutes() > MAX_EXPIRY_MINUTES || expiry.toSeconds() % 60 != 0) {
            throw new IllegalArgumentException("protection expiry must be whole minutes from 1 to 2880, was " + expiry);
        }
        if (!(renewFraction >= 0.1 && renewFraction <= 0.9)) {
            throw new IllegalArgumentException("protection renew fraction must be 0.1 to 0.9, was " + renewFraction);
        }
        if (holdDown.isNegative() || callTimeout.isNegative() || callTimeout.isZero() || minCallInterval.isNegative()) {
            throw new IllegalArgumentException("protection durations must be positive");
        }
    }

    /** Defaults: 15 min expiry renewed at half-life, 30 s hold-down, 2 s call timeout, ≤ 1 call/s. */
    public static ProtectionOptions defaults(Optional<URI> agentUri) {
        return new ProtectionOptions(agentUri, Duration.ofMinutes(15), 0.5, Duration.ofSeconds(30),
                Duration.ofSeconds(2), Duration.ofSeconds(1));
    }

    public ProtectionOptions withAgentUri(URI uri) {
        return new ProtectionOptions(Optional.of(uri), expiry, renewFraction, holdDown, callTimeout, minCallInterval);
    }

    public ProtectionOptions withHoldDown(Duration value) {
        return new ProtectionOptions(agentUri, expiry, renewFraction, value, callTimeout, minCallInterval);
    }

    public ProtectionOptions withExpiry(Duration value) {
        return new ProtectionOptions(agentUri, value, renewFraction, holdDown, callTimeout, minCallInterval);
    }

    public ProtectionOptions withMinCallInterval(Duration value) {
        return new ProtectionOptions(agentUri, expiry, renewFraction, holdDown, callTimeout, value);
    }

    public boolean enabled() {
        return agentUri.isPresent();
    }

    /**
     * Reads {@code ECS_AGENT_URI} and {@code PIPEKIT_PROTECTION_*}. {@code PIPEKIT_PROTECTION=off}
     * disables protection even inside ECS. The default expiry grows to cover twice the visibility
     * timeout, so a message's lease always ends before a hung task's protection does.
     */
    public static ProtectionOptions fromEnvironment(Map<String, String> env, Duration visibilityTimeout) {
        String agent = env.get(AGENT_URI);
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
                throw new ConfigException(AGENT_URI, "'" + agent + "' is not a URI", "ECS sets it; unset it outside ECS");
            }
        }
        ProtectionOptions d = defaults(uri);
        long minutesForVisibility = (visibilityTimeout.multipliedBy(2).toSeconds() + 59) / 60;
        Duration defaultExpiry = Duration.ofMinutes(Math.min(MAX_EXPIRY_MINUTES, Math.max(d.expiry().toMinutes(), minutesForVisibility)));
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
