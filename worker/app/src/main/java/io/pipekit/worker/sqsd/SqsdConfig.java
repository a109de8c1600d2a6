package io.pipekit.worker.sqsd;

import io.pipekit.worker.config.ConfigException;
import io.pipekit.worker.config.DurationValue;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * sqsd mode's settings, read from {@code PIPEKIT_SQSD_*} variables. Defaults and ranges follow Elastic
 * Beanstalk's worker options (HTTP connections 50 in 1–100, connection timeout 5 s in 1–60 s,
 * inactivity timeout 180 s in 1–36000 s; see docs/comparable-tools.md §1A), so an EB worker moves over unchanged.
 *
 * @param url               {@code PIPEKIT_SQSD_URL}: where each message is POSTed
 * @param contentType       {@code PIPEKIT_SQSD_CONTENT_TYPE}: Content-Type of forwarded raw bodies
 * @param bodyMode          {@code PIPEKIT_SQSD_BODY}: {@code raw} or {@code decoded}
 * @param connectTimeout    {@code PIPEKIT_SQSD_CONNECT_TIMEOUT}: to open the connection
 * @param inactivityTimeout {@code PIPEKIT_SQSD_INACTIVITY_TIMEOUT}: for the whole response to arrive
 * @param maxConnections    {@code PIPEKIT_SQSD_HTTP_CONNECTIONS}: POSTs in flight at once
 * @param successOnAny2xx   {@code PIPEKIT_SQSD_SUCCESS}={@code 2xx}: any 2xx deletes; default only 200 (EB)
 * @param healthUrl         {@code PIPEKIT_SQSD_HEALTH_URL}: GET until 200 before consuming (absolute, or a path on {@code url})
 * @param healthTimeout     {@code PIPEKIT_SQSD_HEALTH_TIMEOUT}: give up (exit 2) after this; zero waits forever
 * @param cronFile          {@code PIPEKIT_SQSD_CRON_FILE}: a Beanstalk {@code cron.yaml}
 * @param cronQueueUrl      {@code PIPEKIT_SQSD_CRON_QUEUE_URL}: where periodic tasks are enqueued (default: the first consumed queue)
 * @param allowRemote       {@code PIPEKIT_SQSD_ALLOW_REMOTE}: permit non-loopback targets
 */
public record SqsdConfig(
        URI url,
        String contentType,
        BodyMode bodyMode,
        Duration connectTimeout,
        Duration inactivityTimeout,
        int maxConnections,
        boolean successOnAny2xx,
        Optional<URI> healthUrl,
        Duration healthTimeout,
        Optional<Path> cronFile,
        Optional<String> cronQueueUrl,
        boolean allowRemote) {

    public static final String MODE = "PIPEKIT_MODE";
    public static final String URL = "PIPEKIT_SQSD_URL";
    public static final String CONTENT_TYPE = "PIPEKIT_SQSD_CONTENT_TYPE";
    public static final String BODY = "PIPEKIT_SQSD_BODY";
    public static final String CONNECT_TIMEOUT = "PIPEKIT_SQSD_CONNECT_TIMEOUT";
    public static final String INACTIVITY_TIMEOUT = "PIPEKIT_SQSD_INACTIVITY_TIMEOUT";
    public static final String HTTP_CONNECTIONS = "PIPEKIT_SQSD_HTTP_CONNECTIONS";
    public static final String SUCCESS = "PIPEKIT_SQSD_SUCCESS";
    public static final String HEALTH_URL = "PIPEKIT_SQSD_HEALTH_URL";
    public static final String HEALTH_TIMEOUT = "PIPEKIT_SQSD_HEALTH_TIMEOUT";
    public static final String CRON_FILE = "PIPEKIT_SQSD_CRON_FILE";
    public static final String CRON_QUEUE_URL = "PIPEKIT_SQSD_CRON_QUEUE_URL";
    public static final String ALLOW_REMOTE = "PIPEKIT_SQSD_ALLOW_REMOTE";

    public static final URI DEFAULT_URL = URI.create("http://localhost:8080/");

    public SqsdConfig {
        requireRange(CONNECT_TIMEOUT, connectTimeout, Duration.ofMillis(1), Duration.ofSeconds(60));
        requireRange(INACTIVITY_TIMEOUT, inactivityTimeout, Duration.ofMillis(1), Duration.ofSeconds(36_000));
        if (maxConnections < 1 || maxConnections > 1_000) {
            throw new ConfigException(HTTP_CONNECTIONS, "must be 1 to 1000, was " + maxConnections, null);
        }
        if (healthTimeout.isNegative()) {
            throw new ConfigException(HEALTH_TIMEOUT, "must not be negative", null);
        }
    }

    /** Whether the environment selects sqsd mode ({@code PIPEKIT_MODE=sqsd}). */
    public static boolean selected(Map<String, String> env) {
        String mode = env.get(MODE);
        if (mode == null || mode.isBlank() || mode.trim().equalsIgnoreCase("handler")) {
            return false;
        }
        if (mode.trim().equalsIgnoreCase("sqsd")) {
            return true;
        }
        throw new ConfigException(MODE, "'" + mode + "' is not a mode", "Use sqsd (forward to an HTTP app) or leave it unset");
    }

    public static SqsdConfig fromEnvironment(Map<String, String> env) {
        String handler = env.get("PIPEKIT_HANDLER");
        if (handler != null && !handler.isBlank()) {
            throw new ConfigException("PIPEKIT_HANDLER", "is set together with PIPEKIT_MODE=sqsd",
                    "In sqsd mode the HTTP app is the handler: unset one of the two");
        }
        URI url = httpUrl(URL, text(env, URL).orElse(DEFAULT_URL.toString()));
        String contentType = text(env, CONTENT_TYPE).orElse("application/json");
        if (contentType.chars().anyMatch(c -> c < 0x20 || c > 0x7e)) {
            throw new ConfigException(CONTENT_TYPE, "contains characters not allowed in a header", null);
        }
        BodyMode body = text(env, BODY).map(v -> switch (v.toLowerCase()) {
            case "raw" -> BodyMode.RAW;
            case "decoded" -> BodyMode.DECODED;
            default -> throw new ConfigException(BODY, "'" + v + "' is not a body mode", "Use raw (the default) or decoded");
        }).orElse(BodyMode.RAW);
        Duration connect = text(env, CONNECT_TIMEOUT).map(v -> DurationValue.parse(CONNECT_TIMEOUT, v)).orElse(Duration.ofSeconds(5));
        Duration inactivity = text(env, INACTIVITY_TIMEOUT).map(v -> DurationValue.parse(INACTIVITY_TIMEOUT, v)).orElse(Duration.ofSeconds(180));
        int connections = text(env, HTTP_CONNECTIONS).map(v -> integer(HTTP_CONNECTIONS, v)).orElse(50);
        boolean any2xx = text(env, SUCCESS).map(v -> switch (v.toLowerCase()) {
            case "200" -> false;
            case "2xx" -> true;
            default -> throw new ConfigException(SUCCESS, "'" + v + "' is not a success rule", "Use 200 (Beanstalk: only 200 OK deletes, the default) or 2xx");
        }).orElse(false);
        Optional<URI> health = text(env, HEALTH_URL).map(v -> v.startsWith("/") ? url.resolve(v) : httpUrl(HEALTH_URL, v));
        Duration healthTimeout = text(env, HEALTH_TIMEOUT).map(v -> DurationValue.parse(HEALTH_TIMEOUT, v)).orElse(Duration.ofMinutes(5));
        Optional<Path> cron = text(env, CRON_FILE).map(Path::of);
        Optional<String> cronQueue = text(env, CRON_QUEUE_URL);
        boolean allowRemote = text(env, ALLOW_REMOTE).map(v -> switch (v.toLowerCase()) {
            case "true", "yes", "1", "on" -> true;
            case "false", "no", "0", "off" -> false;
            default -> throw new ConfigException(ALLOW_REMOTE, "'" + v + "' is not true or false", null);
        }).orElse(false);
        SqsdConfig config = new SqsdConfig(url, contentType, body, connect, inactivity, connections, any2xx, health, healthTimeout,
                cron, cronQueue, allowRemote);
        if (!allowRemote) {
            LoopbackTarget.require(URL, url);
            health.ifPresent(h -> LoopbackTarget.require(HEALTH_URL, h));
        }
        return config;
    }

    /** Builder-style copy for tests and embedding: the defaults {@link #fromEnvironment} gives an empty environment. */
    public static SqsdConfig defaults(URI url) {
        return new SqsdConfig(url, "application/json", BodyMode.RAW, Duration.ofSeconds(5), Duration.ofSeconds(180), 50, false,
                Optional.empty(), Duration.ofMinutes(5), Optional.empty(), Optional.empty(), false);
    }

    public SqsdConfig withBodyMode(BodyMode mode) {
        return new SqsdConfig(url, contentType, mode, connectTimeout, inactivityTimeout, maxConnections, successOnAny2xx, healthUrl,
                healthTimeout, cronFile, cronQueueUrl, allowRemote);
    }

    public SqsdConfig withTimeouts(Duration connect, Duration inactivity) {
        return new SqsdConfig(url, contentType, bodyMode, connect, inactivity, maxConnections, successOnAny2xx, healthUrl,
                healthTimeout, cronFile, cronQueueUrl, allowRemote);
    }

    public SqsdConfig withMaxConnections(int connections) {
        return new SqsdConfig(url, contentType, bodyMode, connectTimeout, inactivityTimeout, connections, successOnAny2xx, healthUrl,
                healthTimeout, cronFile, cronQueueUrl, allowRemote);
    }

    private static final Set<String> SCHEMES = Set.of("http", "https");

    private static URI httpUrl(String variable, String value) {
        URI uri;
        try {
            uri = URI.create(value);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(variable, "'" + value + "' is not a URL", "Use e.g. http://localhost:8080/");
        }
        if (uri.getScheme() == null || !SCHEMES.contains(uri.getScheme().toLowerCase()) || uri.getHost() == null) {
            throw new ConfigException(variable, "'" + value + "' is not an http(s) URL with a host", "Use e.g. http://localhost:8080/");
        }
        return uri.getPath() == null || uri.getPath().isEmpty() ? uri.resolve("/") : uri;
    }

    private static Optional<String> text(Map<String, String> env, String variable) {
        return Optional.ofNullable(env.get(variable)).map(String::trim).filter(s -> !s.isEmpty());
    }

    private static int integer(String variable, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new ConfigException(variable, "'" + value + "' is not a whole number", null);
        }
    }

    private static void requireRange(String variable, Duration value, Duration min, Duration max) {
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new ConfigException(variable, "must be " + min.toMillis() + " ms to " + max.toSeconds() + " s, was " + value, null);
        }
    }
}
