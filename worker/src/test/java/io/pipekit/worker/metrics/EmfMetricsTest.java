package io.pipekit.worker.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pipekit.worker.RetryLaterException;
import io.pipekit.worker.Worker;
import io.pipekit.worker.WorkerOptions;
import io.pipekit.worker.testing.ElasticMq;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** EMF documents carry what the worker did, in the shape CloudWatch extracts metrics from. */
class EmfMetricsTest {

    @RegisterExtension
    static final ElasticMq sqs = new ElasticMq();

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void countsOutcomesAndLatenciesPerQueue() throws Exception {
        String queue = sqs.queue("metrics");
        List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());
        EmfMetrics metrics = new EmfMetrics("pipekit-test", "svc", List.of(queue), Duration.ZERO, lines::add, Clock.systemUTC());
        Set<String> failedOnce = ConcurrentHashMap.newKeySet();
        WorkerOptions options = WorkerOptions.builder(queue).waitTime(Duration.ofSeconds(1)).build();
        try (Worker worker = Worker.start(sqs.sqs(), options, m -> {
            // every fifth message fails its first attempt and comes straight back
            if (m.body().endsWith("0") || m.body().endsWith("5")) {
                if (failedOnce.add(m.body())) {
                    throw new RetryLaterException(Duration.ZERO, "first attempt fails");
                }
            }
        }, List.of(metrics), Clock.systemUTC())) {
            sqs.send(queue, IntStream.range(0, 150).mapToObj(i -> "secret-body-" + i).toList());
            await().atMost(Duration.ofSeconds(30)).until(() -> sqs.held(queue) == 0);
        }
        metrics.flush();

        assertThat(lines).hasSize(1);
        String line = lines.get(0);
        assertThat(line).doesNotContain("secret-body"); // never a message body
        JsonNode doc = JSON.readTree(line);
        JsonNode directive = doc.path("_aws").path("CloudWatchMetrics").get(0);
        assertThat(doc.path("_aws").path("Timestamp").asLong()).isPositive();
        assertThat(directive.path("Namespace").asText()).isEqualTo("pipekit-test");
        assertThat(directive.path("Dimensions").toString()).isEqualTo("[[\"Service\",\"Queue\"]]");
        List<String> declared = StreamSupport.stream(directive.path("Metrics").spliterator(), false)
                .map(m -> m.path("Name").asText()).toList();
        assertThat(declared).contains("Processed", "Failed", "Retried", "Released", "InFlight", "HandlerTime", "ReceiveToDone");
        declared.forEach(name -> assertThat(doc.has(name)).as("value for %s", name).isTrue()); // EMF: every metric has a root member
        assertThat(doc.path("Service").asText()).isEqualTo("svc");
        assertThat(doc.path("Queue").asText()).isEqualTo(queue.substring(queue.lastIndexOf('/') + 1));
        assertThat(doc.path("Processed").asLong()).isEqualTo(150);
        assertThat(doc.path("Failed").asLong()).isEqualTo(30);
        assertThat(doc.path("Retried").asLong()).isEqualTo(30); // the 30 second attempts
        assertThat(doc.path("Deleted").asLong()).isEqualTo(150);
        assertThat(doc.path("InFlight").asLong()).isZero();
        assertThat(doc.path("HandlerTime").size()).isEqualTo(100); // a sample of 150, EMF's limit
        assertThat(doc.path("HandlerTimeCount").asLong()).isEqualTo(150);
        assertThat(doc.path("ReceiveToDone").size()).isEqualTo(100);
        assertThat(doc.path("ReceiveToDoneCount").asLong()).isEqualTo(180);

        metrics.flush(); // the next interval starts from zero
        JsonNode next = JSON.readTree(lines.get(1));
        assertThat(next.path("Processed").asLong()).isZero();
        assertThat(next.has("HandlerTime")).isFalse();
    }
}
