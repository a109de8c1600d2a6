package io.pipekit.producers.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pipekit.local.EmbeddedSqs;
import io.pipekit.producers.SampleEvent;
import io.pipekit.producers.testing.QueueReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

class ProducersCliTest {

    private static EmbeddedSqs server;
    private static SqsClient sqs;

    @BeforeAll
    static void start() {
        server = EmbeddedSqs.start();
        sqs = server.newClient();
    }

    @AfterAll
    static void stop() {
        sqs.close();
        server.close();
    }

    record Run(int exit, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = ProducersCli.newCommandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void rootHelpListsTheTargets() {
        Run r = run("--help");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("Usage: pipekit-producers", "kinesis", "dynamodb", "events", "sqs", "sns");
    }

    @ParameterizedTest
    @ValueSource(strings = {"kinesis", "dynamodb", "events", "sqs", "sns"})
    void everyTargetHasHelpWithTheSharedOptions(String target) {
        Run r = run(target, "--help");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("Usage: pipekit-producers " + target, "--rate", "--count", "--duration", "--payload-size",
                "--partition-keys", "--seed", "--endpoint", "--region", "--scenario");
    }

    @Test
    void missingRequiredOptionIsAUsageError() {
        Run r = run("kinesis", "--count", "5");
        assertThat(r.exit()).isEqualTo(64);
        assertThat(r.err()).contains("Missing required option: '--stream=<stream>'");
    }

    @Test
    void invalidPartitionKeysIsAUsageError() {
        String url = server.createQueue("cli-bad", Map.of());
        Run r = run("sqs", "--queue-url", url, "--partition-keys", "10:cold=1", "--endpoint", server.endpoint().toString());
        assertThat(r.exit()).isEqualTo(64);
        assertThat(r.err()).contains("partition keys must look like");
    }

    @Test
    void sqsRunDeliversTheCountAndPrintsTheSummary() {
        server.createQueue("cli-orders", Map.of());
        Run r = run("sqs", "--queue", "cli-orders", "--endpoint", server.endpoint().toString(), "--count", "45",
                "--rate", "0", "--scenario", "clickstream", "--seed", "3", "--run-id", "cli-1", "--progress", "none");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("sent       45 of 45", "failed     0", "retried    0", "latency p50", "p99");
        List<Message> messages = QueueReader.drain(sqs, server.createQueue("cli-orders", Map.of()), 45);
        assertThat(messages).hasSize(45).allSatisfy(m -> {
            SampleEvent e = SampleEvent.parse(m.body());
            assertThat(e.runId()).isEqualTo("cli-1");
            assertThat(e.scenario()).isEqualTo("clickstream");
        });
    }

    @Test
    void snsViaQueueWritesEnvelopes() throws Exception {
        String url = server.createQueue("cli-sns", Map.of());
        Run r = run("sns", "--via-queue-url", url, "--topic-arn", "arn:aws:sns:us-east-1:000000000000:cli-topic",
                "--endpoint", server.endpoint().toString(), "--count", "12", "--rate", "200", "--progress", "lines");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("target     sns-via-sqs:cli-sns", "sent       12 of 12");
        ObjectMapper json = new ObjectMapper();
        assertThat(QueueReader.drain(sqs, url, 12)).hasSize(12).allSatisfy(m -> assertThat(
                SampleEvent.isSampleEvent(json.readTree(m.body()).get("Message").asText())).isTrue());
    }
}
