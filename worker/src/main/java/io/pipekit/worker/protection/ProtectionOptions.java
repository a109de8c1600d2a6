package io.pipekit.worker.protection;

import java.net.URI;
import java.time.Duration;
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
    public static final long MAX_EXPIRY_MINUTES = 2880;

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
}
