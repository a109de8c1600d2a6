package io.pipekit.worker.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pipekit.worker.WorkerOptions;
import io.pipekit.worker.BackoffPolicy;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The worker's configuration read from the environment, the way a Copilot Worker Service injects it
 * (docs/aws-behaviour.md §6.2): {@code COPILOT_QUEUE_URI} (the service queue) and
 * {@code COPILOT_TOPIC_QUEUE_URIS} (a JSON map of topic-specific queues), or
 * {@code PIPEKIT_QUEUE_URLS} (comma-separated) to name queues explicitly; plus {@code PIPEKIT_*}
 * tuning. Every problem surfaces as a {@link ConfigException} naming the variable and the fix.
 *
 * @param options     the engine's options
 * @param handler     {@code PIPEKIT_HANDLER}: class name of the {@code MessageHandler} to run, or empty
 *                    for the built-in logging handler
 */
public record WorkerConfig(WorkerOptions options, Optional<String> handler) {

    public static final String QUEUE_URI = "COPILOT_QUEUE_URI";
    public static final String TOPIC_QUEUE_URIS = "COPILOT_TOPIC_QUEUE_URIS";
    public static final String QUEUE_URLS = "PIPEKIT_QUEUE_URLS";

    private static final ObjectMapper JSON = new ObjectMapper();

    public static WorkerConfig fromEnvironment(Map<String, String> env) {
        List<String> queues = queueUrls(env);
        WorkerOptions defaults = WorkerOptions.builder(queues).build();
        BackoffPolicy defaultBackoff = defaults.backoff();
        Duration backoffInitial = value(env, "PIPEKIT_BACKOFF_INITIAL", v -> DurationValue.parse("PIPEKIT_BACKOFF_INITIAL", v), defaultBackoff.initial());
        Duration backoffMax = value(env, "PIPEKIT_BACKOFF_MAX", v -> DurationValue.parse("PIPEKIT_BACKOFF_MAX", v), defaultBackoff.max());
        double multiplier = value(env, "PIPEKIT_BACKOFF_MULTIPLIER", v -> number("PIPEKIT_BACKOFF_MULTIPLIER", v), defaultBackoff.multiplier());
        boolean jitter = value(env, "PIPEKIT_BACKOFF_JITTER", v -> bool("PIPEKIT_BACKOFF_JITTER", v), defaultBackoff.jitter());
        BackoffPolicy backoff = build("PIPEKIT_BACKOFF_*", () -> new BackoffPolicy(backoffInitial, multiplier, backoffMax, jitter));

        WorkerOptions.Builder builder = defaults.toBuilder()
                .maxConcurrency(value(env, "PIPEKIT_MAX_CONCURRENCY", v -> integer("PIPEKIT_MAX_CONCURRENCY", v), defaults.maxConcurrency()))
                .receiveBatchSize(value(env, "PIPEKIT_RECEIVE_BATCH_SIZE", v -> integer("PIPEKIT_RECEIVE_BATCH_SIZE", v), defaults.receiveBatchSize()))
                .pollersPerQueue(value(env, "PIPEKIT_POLLERS_PER_QUEUE", v -> integer("PIPEKIT_POLLERS_PER_QUEUE", v), defaults.pollersPerQueue()))
                .waitTime(value(env, "PIPEKIT_WAIT_TIME", v -> DurationValue.parse("PIPEKIT_WAIT_TIME", v), defaults.waitTime()))
                .visibilityTimeout(value(env, "PIPEKIT_VISIBILITY_TIMEOUT", v -> DurationValue.parse("PIPEKIT_VISIBILITY_TIMEOUT", v), defaults.visibilityTimeout()))
                .heartbeatFraction(value(env, "PIPEKIT_HEARTBEAT_FRACTION", v -> number("PIPEKIT_HEARTBEAT_FRACTION", v), defaults.heartbeatFraction()))
                .deleteFlushInterval(value(env, "PIPEKIT_DELETE_FLUSH_INTERVAL", v -> DurationValue.parse("PIPEKIT_DELETE_FLUSH_INTERVAL", v), defaults.deleteFlushInterval()))
                .shutdownBudget(value(env, "PIPEKIT_SHUTDOWN_BUDGET", v -> DurationValue.parse("PIPEKIT_SHUTDOWN_BUDGET", v), defaults.shutdownBudget()))
                .handlerTimeout(value(env, "PIPEKIT_HANDLER_TIMEOUT", v -> v.trim().equalsIgnoreCase("off") ? java.time.Duration.ZERO
                        : DurationValue.parse("PIPEKIT_HANDLER_TIMEOUT", v), defaults.handlerTimeout()))
                .backoff(backoff);
        WorkerOptions options = build("PIPEKIT_*", builder::build);
        Optional<String> handler = Optional.ofNullable(env.get("PIPEKIT_HANDLER")).map(String::trim).filter(s -> !s.isEmpty());
        return new WorkerConfig(options, handler);
    }

    private static List<String> queueUrls(Map<String, String> env) {
        String explicit = env.get(QUEUE_URLS);
        Set<String> urls = new LinkedHashSet<>();
        if (explicit != null && !explicit.isBlank()) {
            for (String url : explicit.split(",")) {
                if (!url.isBlank()) {
                    urls.add(checkedUrl(QUEUE_URLS, url.trim()));
                }
            }
        } else {
            String main = env.get(QUEUE_URI);
            if (main != null && !main.isBlank()) {
                urls.add(checkedUrl(QUEUE_URI, main.trim()));
            }
            String topics = env.get(TOPIC_QUEUE_URIS);
            if (topics != null && !topics.isBlank()) {
                urls.addAll(topicQueues(topics));
            }
        }
        if (urls.isEmpty()) {
            throw new ConfigException(QUEUE_URI, "no queue to consume",
                    "Set COPILOT_QUEUE_URI (Copilot sets it for a Worker Service) or PIPEKIT_QUEUE_URLS to the queue URL(s), "
                            + "e.g. https://sqs.eu-west-1.amazonaws.com/123456789012/my-queue");
        }
        return new ArrayList<>(urls);
    }

    private static List<String> topicQueues(String json) {
        JsonNode map;
        try {
            map = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new ConfigException(TOPIC_QUEUE_URIS, "is not valid JSON (" + e.getOriginalMessage() + ")",
                    "Expected a JSON object of queue URLs, e.g. {\"apiOrdersEventsQueue\":\"https://sqs…/queue\"}");
        }
        if (map == null || !map.isObject()) {
            throw new ConfigException(TOPIC_QUEUE_URIS, "is not a JSON object",
                    "Expected a JSON object of queue URLs, e.g. {\"apiOrdersEventsQueue\":\"https://sqs…/queue\"}");
        }
        List<String> urls = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (!entry.getValue().isTextual()) {
                throw new ConfigException(TOPIC_QUEUE_URIS, "entry '" + entry.getKey() + "' is not a string", "Each value must be a queue URL");
            }
            urls.add(checkedUrl(TOPIC_QUEUE_URIS + "." + entry.getKey(), entry.getValue().asText()));
        }
        return urls;
    }

    /** An SQS queue URL: http(s)://host[:port]/account/name. */
    static String checkedUrl(String variable, String url) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw badUrl(variable, url);
        }
        String path = uri.getPath() == null ? "" : uri.getPath();
        boolean ok = ("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) && uri.getHost() != null
                && path.split("/").length >= 3;
        if (!ok) {
            throw badUrl(variable, url);
        }
        return url;
    }

    private static ConfigException badUrl(String variable, String url) {
        return new ConfigException(variable, "'" + url + "' is not an SQS queue URL",
                "Use the queue URL (not its ARN or name), e.g. https://sqs.eu-west-1.amazonaws.com/123456789012/my-queue");
    }

    private static <T> T value(Map<String, String> env, String variable, Function<String, T> parse, T fallback) {
        String raw = env.get(variable);
        return raw == null || raw.isBlank() ? fallback : parse.apply(raw.trim());
    }

    private static int integer(String variable, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new ConfigException(variable, "'" + value + "' is not a whole number", null);
        }
    }

    private static double number(String variable, String value) {
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new ConfigException(variable, "'" + value + "' is not a number", null);
        }
    }

    private static boolean bool(String variable, String value) {
        return switch (value.toLowerCase()) {
            case "true", "yes", "1", "on" -> true;
            case "false", "no", "0", "off" -> false;
            default -> throw new ConfigException(variable, "'" + value + "' is not true or false", null);
        };
    }

    /** Option names as the options' own range checks spell them, and the variable that sets each. */
    private static final Map<String, String> VARIABLES = Map.ofEntries(Map.entry("handlerTimeout", "PIPEKIT_HANDLER_TIMEOUT"),
            Map.entry("maxConcurrency", "PIPEKIT_MAX_CONCURRENCY"),
            Map.entry("receiveBatchSize", "PIPEKIT_RECEIVE_BATCH_SIZE"),
            Map.entry("pollersPerQueue", "PIPEKIT_POLLERS_PER_QUEUE"),
            Map.entry("waitTime", "PIPEKIT_WAIT_TIME"),
            Map.entry("visibilityTimeout", "PIPEKIT_VISIBILITY_TIMEOUT"),
            Map.entry("heartbeatFraction", "PIPEKIT_HEARTBEAT_FRACTION"),
            Map.entry("deleteFlushInterval", "PIPEKIT_DELETE_FLUSH_INTERVAL"),
            Map.entry("shutdownBudget", "PIPEKIT_SHUTDOWN_BUDGET"));

    /** Turns the options' own range checks into config errors naming the variable. */
    private static <T> T build(String variables, java.util.function.Supplier<T> build) {
        try {
            return build.get();
        } catch (IllegalArgumentException e) {
            String message = e.getMessage();
            String variable = VARIABLES.entrySet().stream().filter(v -> message.startsWith(v.getKey()))
                    .map(Map.Entry::getValue).findFirst().orElse(variables);
            throw new ConfigException(variable, message, "See the worker README for the allowed values");
        }
    }
}
