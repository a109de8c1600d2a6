package io.pipekit.pipes.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpecLoaderTest {

    static final Path SAMPLE = Path.of("..", "..", "copilot", "subscriptions.yml");

    private static List<SpecProblem> problems(String yaml) {
        try {
            SpecLoader.parse(yaml, "subs.yml");
        } catch (SpecException e) {
            return e.problems();
        }
        throw new AssertionError("spec was accepted");
    }

    private static final String HEAD = """
            version: 1
            name: demo
            queue:
              name: work
            subscriptions:
            """;

    @Test
    void loadsTheCheckedInSample() {
        SubscriptionSpec spec = SpecLoader.load(SAMPLE);

        assertThat(spec.name()).isEqualTo("demo");
        assertThat(spec.queue().encryption()).isEqualTo(WorkerQueue.Encryption.KMS);
        assertThat(spec.queue().visibilityTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(spec.pipes()).extracting(PipeSubscription::name).containsExactly("orders", "payments", "legacy-jobs");
        assertThat(spec.rules()).extracting(RuleSubscription::name).containsExactly("order-created", "s3-object-created");
        assertThat(spec.topics()).extracting(TopicSubscription::name).containsExactly("billing-topic");
        PipeSubscription orders = spec.pipes().getFirst();
        assertThat(orders.type()).isEqualTo(SourceType.KINESIS);
        assertThat(orders.filters()).containsExactly("{\"data\":{\"type\":[{\"prefix\":\"order.\"}]}}");
        assertThat(orders.window()).isEqualTo(Duration.ofSeconds(1));
        assertThat(orders.maxRecordAge()).isEqualTo(Duration.ofHours(1));
        assertThat(spec.rules().getFirst().pattern())
                .isEqualTo("{\"source\":[\"pipekit.producers\"],\"detail-type\":[\"OrderCreated\"],\"detail\":{\"amount\":[{\"numeric\":[\">\",0]}]}}");
        assertThat(spec.rules().get(1).transformer().inputPathsMap()).containsEntry("bucket", "$.detail.bucket.name");
    }

    @Test
    void batchSizeAboveTenIsRejectedWithLineFieldAndRange() {
        List<SpecProblem> p = problems(HEAD + """
                  kinesis:
                    - name: orders
                      stream: orders
                      startingPosition: LATEST
                      batchSize: 100
                """);

        assertThat(p).singleElement().satisfies(e -> {
            assertThat(e.file()).isEqualTo("subs.yml");
            assertThat(e.line()).isEqualTo(10);
            assertThat(e.field()).isEqualTo("subscriptions.kinesis[0].batchSize");
            assertThat(e.message()).contains("is 100", "1..10", "SQS target");
        });
    }

    @Test
    void unknownFieldsAndBadEnumsNameTheAllowedValues() {
        List<SpecProblem> p = problems(HEAD + """
                  dynamodb:
                    - name: payments
                      table: payments
                      startingPosition: AT_TIMESTAMP
                      batchsize: 5
                """);

        assertThat(p).extracting(SpecProblem::toString).containsExactly(
                "subs.yml:9:7: subscriptions.dynamodb[0].startingPosition: is 'AT_TIMESTAMP'; allowed values: TRIM_HORIZON, LATEST",
                "subs.yml:10:7: subscriptions.dynamodb[0].batchsize: unknown field; allowed fields here: name, filters, batchSize,"
                        + " window, inputTemplate, fifoGroupId, deduplicationId, table, streamArn, streamArnImport, startingPosition,"
                        + " retries, maxRecordAge, parallelization, bisectOnError, deadLetterQueue");
    }

    @Test
    void eventPatternsAreCheckedByEventRuler() {
        List<SpecProblem> p = problems(HEAD + """
                  rules:
                    - name: bad-pattern
                      pattern:
                        detail:
                          amount: [{numeric: [">", "zero"]}]
                """);

        assertThat(p).singleElement().satisfies(e -> {
            assertThat(e.line()).isEqualTo(8);
            assertThat(e.field()).isEqualTo("subscriptions.rules[0].pattern");
            assertThat(e.message()).startsWith("is not a valid event pattern:");
        });
    }

    @Test
    void pipeFiltersRejectBusOnlyOperatorsAndUnfilterableFields() {
        List<SpecProblem> p = problems(HEAD + """
                  kinesis:
                    - name: orders
                      streamArn: arn:aws:kinesis:eu-west-1:123456789012:stream/orders
                      startingPosition: TRIM_HORIZON
                      filters:
                        - data: {state: [{anything-but: {prefix: "test"}}]}
                        - eventSource: ["aws:kinesis"]
                """);

        assertThat(p).extracting(SpecProblem::field)
                .containsExactly("subscriptions.kinesis[0].filters[0]", "subscriptions.kinesis[0].filters[1]");
        assertThat(p.get(0).message()).contains("anything-but", "prefix", "Pipes");
        assertThat(p.get(0).line()).isEqualTo(11);
        assertThat(p.get(1).message()).contains("eventSource", "after filtering");
    }

    @Test
    void fifoQueueNeedsGroupIdsAndContentBasedDedupForRules() {
        List<SpecProblem> p = problems("""
                version: 1
                name: demo
                queue:
                  name: work.fifo
                  fifo: true
                subscriptions:
                  sqs:
                    - name: jobs
                      queue: jobs
                  rules:
                    - name: orders
                      pattern: {source: [shop]}
                      fifoGroupId: orders
                """);

        assertThat(p).extracting(SpecProblem::toString).containsExactly(
                "subs.yml:8:7: subscriptions.sqs[0].fifoGroupId: is required: the worker queue is FIFO, so every message"
                        + " needs a MessageGroupId (static text or a $.path into the event)",
                "subs.yml:11:7: subscriptions.rules[0]: a rule targeting a FIFO queue needs queue.contentBasedDeduplication: true"
                        + " (docs/aws-behaviour.md §2.4)");
    }

    @Test
    void everyProblemIsReportedNotJustTheFirst() {
        List<SpecProblem> p = problems("""
                version: 2
                name: Demo
                queue: {name: work, visibilityTimeout: 13h, encryption: aes}
                subscriptions:
                  sqs:
                    - {name: a, queue: x, window: 301s, startingPosition: LATEST}
                    - {name: a, queue: y}
                """);

        assertThat(p).extracting(SpecProblem::field).containsExactlyInAnyOrder(
                "version", "name", "queue.visibilityTimeout", "queue.encryption",
                "subscriptions.sqs[0].startingPosition", "subscriptions.sqs[0].window", "subscriptions.sqs[1].name");
    }

    @Test
    void bareDataTemplateAndFractionalSecondsAreRejected() {
        List<SpecProblem> p = problems(HEAD + """
                  kinesis:
                    - name: orders
                      stream: orders
                      startingPosition: LATEST
                      window: 1500ms
                      inputTemplate: '<$.data>'
                """);

        assertThat(p).extracting(SpecProblem::message).containsExactly(
                "must be whole seconds (the API takes seconds), got '1500ms'",
                "a bare <$.data> produces broken JSON for JSON payloads; wrap it, e.g. {\"data\": <$.data>}");
    }

    @Test
    void invalidYamlReportsItsLine() {
        List<SpecProblem> p = problems("version: 1\nname: [unclosed\n");

        assertThat(p).singleElement().satisfies(e -> {
            assertThat(e.field()).isEqualTo("(document)");
            assertThat(e.line()).isGreaterThanOrEqualTo(2);
            assertThat(e.message()).startsWith("not valid YAML");
        });
    }

    @Test
    void sourceNeedsExactlyOneReference() {
        List<SpecProblem> p = problems(HEAD + """
                  dynamodb:
                    - name: payments
                      startingPosition: LATEST
                    - name: refunds
                      streamArn: arn:aws:dynamodb:eu-west-1:123456789012:table/refunds
                      startingPosition: LATEST
                """);

        assertThat(p).extracting(SpecProblem::message).containsExactly(
                "needs one of table, streamArn, streamArnImport",
                "must be the table's stream ARN (…:table/NAME/stream/LABEL), not the table ARN");
    }
}
