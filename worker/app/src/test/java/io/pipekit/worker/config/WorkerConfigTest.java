package io.pipekit.worker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WorkerConfigTest {

    private static final String QUEUE = "https://sqs.eu-west-1.amazonaws.com/123456789012/ingest-worker-events";

    @Test
    void readsTheQueuesCopilotInjects() {
        WorkerConfig config = WorkerConfig.fromEnvironment(Map.of(
                "COPILOT_QUEUE_URI", QUEUE,
                "COPILOT_TOPIC_QUEUE_URIS", "{\"apiOrdersEventsQueue\":\"https://sqs.eu-west-1.amazonaws.com/123456789012/orders\","
                        + "\"apiPaymentsfifoEventsQueue\":\"https://sqs.eu-west-1.amazonaws.com/123456789012/payments.fifo\"}"));

        assertThat(config.options().queueUrls()).containsExactly(QUEUE,
                "https://sqs.eu-west-1.amazonaws.com/123456789012/orders",
                "https://sqs.eu-west-1.amazonaws.com/123456789012/payments.fifo");
        assertThat(config.handler()).isEmpty();
    }

    @Test
    void explicitQueueListWins() {
        WorkerConfig config = WorkerConfig.fromEnvironment(Map.of("COPILOT_QUEUE_URI", QUEUE,
                "PIPEKIT_QUEUE_URLS", "http://127.0.0.1:9324/000000000000/a, http://127.0.0.1:9324/000000000000/b"));
        assertThat(config.options().queueUrls()).containsExactly("http://127.0.0.1:9324/000000000000/a", "http://127.0.0.1:9324/000000000000/b");
    }

    @Test
    void readsTuning() {
        WorkerConfig config = WorkerConfig.fromEnvironment(Map.ofEntries(
                Map.entry("COPILOT_QUEUE_URI", QUEUE),
                Map.entry("PIPEKIT_MAX_CONCURRENCY", "200"),
                Map.entry("PIPEKIT_RECEIVE_BATCH_SIZE", "5"),
                Map.entry("PIPEKIT_POLLERS_PER_QUEUE", "4"),
                Map.entry("PIPEKIT_WAIT_TIME", "10s"),
                Map.entry("PIPEKIT_VISIBILITY_TIMEOUT", "5m"),
                Map.entry("PIPEKIT_HEARTBEAT_FRACTION", "0.6"),
                Map.entry("PIPEKIT_BACKOFF_INITIAL", "500ms"),
                Map.entry("PIPEKIT_BACKOFF_MAX", "PT10M"),
                Map.entry("PIPEKIT_BACKOFF_MULTIPLIER", "3"),
                Map.entry("PIPEKIT_BACKOFF_JITTER", "false"),
                Map.entry("PIPEKIT_SHUTDOWN_BUDGET", "100"),
                Map.entry("PIPEKIT_HANDLER", "com.example.OrdersHandler")));

        var options = config.options();
        assertThat(options.maxConcurrency()).isEqualTo(200);
        assertThat(options.receiveBatchSize()).isEqualTo(5);
        assertThat(options.pollersPerQueue()).isEqualTo(4);
        assertThat(options.waitTime()).isEqualTo(Duration.ofSeconds(10));
        assertThat(options.visibilityTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(options.heartbeatFraction()).isEqualTo(0.6);
        assertThat(options.backoff().initial()).isEqualTo(Duration.ofMillis(500));
        assertThat(options.backoff().max()).isEqualTo(Duration.ofMinutes(10));
        assertThat(options.backoff().multiplier()).isEqualTo(3.0);
        assertThat(options.backoff().jitter()).isFalse();
        assertThat(options.shutdownBudget()).isEqualTo(Duration.ofSeconds(100));
        assertThat(config.handler()).contains("com.example.OrdersHandler");
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "COPILOT_QUEUE_URI|arn:aws:sqs:eu-west-1:123456789012:q|not an SQS queue URL",
            "COPILOT_QUEUE_URI|my-queue|not an SQS queue URL",
            "COPILOT_TOPIC_QUEUE_URIS|{not json|not valid JSON",
            "COPILOT_TOPIC_QUEUE_URIS|[\"x\"]|not a JSON object",
            "PIPEKIT_MAX_CONCURRENCY|lots|not a whole number",
            "PIPEKIT_MAX_CONCURRENCY|0|must be 1 to 100000",
            "PIPEKIT_RECEIVE_BATCH_SIZE|11|must be 1 to 10",
            "PIPEKIT_POLLERS_PER_QUEUE|0|must be 1 to 32",
            "PIPEKIT_WAIT_TIME|21s|must be 0 to 20",
            "PIPEKIT_VISIBILITY_TIMEOUT|13h|1 s to 12 h",
            "PIPEKIT_VISIBILITY_TIMEOUT|soon|not a duration",
            "PIPEKIT_BACKOFF_JITTER|maybe|not true or false",
    })
    void namesTheVariableAndTheProblem(String variable, String value, String problem) {
        Map<String, String> env = new java.util.HashMap<>(Map.of("COPILOT_QUEUE_URI", QUEUE));
        env.put(variable, value);
        assertThatThrownBy(() -> WorkerConfig.fromEnvironment(env))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(variable)
                .hasMessageContaining(problem);
    }

    @Test
    void saysHowToFixAMissingQueue() {
        assertThatThrownBy(() -> WorkerConfig.fromEnvironment(Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("COPILOT_QUEUE_URI")
                .hasMessageContaining("PIPEKIT_QUEUE_URLS");
    }

    @ParameterizedTest
    @CsvSource({"250ms,250", "30s,30000", "30,30000", "1.5s,1500", "5m,300000", "2h,7200000", "PT45S,45000", "pt1m,60000"})
    void parsesDurations(String text, long millis) {
        assertThat(DurationValue.parse("X", text)).isEqualTo(Duration.ofMillis(millis));
    }
}
