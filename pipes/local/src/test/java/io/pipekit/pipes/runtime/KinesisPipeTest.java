package io.pipekit.pipes.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pipekit.local.EmbeddedSqs;
import io.pipekit.local.LocalCloud;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordResponse;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;

/** Kinesis → pipe → SQS against kinesis-mock and ElasticMQ (docs/aws-behaviour.md §1.2, §1.4, §1.6–§1.9). */
class KinesisPipeTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ROLE = "arn:aws:iam::000000000000:role/pipe-role";
    private static final PipesRuntime.Options FAST = PipesRuntime.Options.defaults()
            .withIdlePollInterval(Duration.ofMillis(50)).withBackoff(Duration.ofMillis(50), Duration.ofMillis(200));

    private static LocalCloud cloud;
    private static KinesisClient kinesis;
    private static SqsClient sqs;
    private static PipesRuntime runtime;
    /** Sizes of every SendMessageBatch call the runtime makes. */
    private static final List<Integer> batchCalls = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startStack() {
        cloud = LocalCloud.builder().withSqs().withKinesis().start();
        kinesis = cloud.kinesisClient();
        sqs = cloud.sqsClient();
        ExecutionInterceptor counter = new ExecutionInterceptor() {
            @Override
            public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
                if (context.request() instanceof SendMessageBatchRequest request) {
                    batchCalls.add(request.entries().size());
                }
            }
        };
        SqsClient observed = SqsClient.builder().endpointOverride(cloud.sqs().endpoint()).region(EmbeddedSqs.REGION)
                .credentialsProvider(() -> software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("x", "x"))
                .overrideConfiguration(c -> c.addExecutionInterceptor(counter)).build();
        runtime = PipesRuntime.builder().sqs(observed).kinesis(kinesis).options(FAST).build();
    }

    @AfterAll
    static void stopStack() {
        runtime.close();
        kinesis.close();
        sqs.close();
        cloud.close();
    }

    @Test
    void deliversTheFlatPipesKinesisRecordAsTheMessageBody() throws Exception {
        String stream = createStream("orders-shape");
        String queue = cloud.sqs().createQueue("worker-shape", Map.of());
        run(PipeDefinition.builder("shape").source(streamArn(stream)).target(EmbeddedSqs.queueArn("worker-shape")).roleArn(ROLE)
                .sourceParameters("KinesisStreamParameters", "{\"StartingPosition\":\"TRIM_HORIZON\",\"BatchSize\":10}").build());

        String payload = "{\"type\":\"order.created\",\"id\":\"42\"}";
        PutRecordResponse put = kinesis.putRecord(b -> b.streamName(stream).partitionKey("order-42").data(SdkBytes.fromUtf8String(payload)));

        JsonNode body = JSON.readTree(Received.await(sqs, queue, 1).getFirst().body());
        // docs/aws-behaviour.md §1.7: exactly these fields, in this order
        assertThat(fieldNames(body)).containsExactly("kinesisSchemaVersion", "partitionKey", "sequenceNumber", "data",
                "approximateArrivalTimestamp", "eventSource", "eventVersion", "eventID", "eventName", "invokeIdentityArn",
                "awsRegion", "eventSourceARN");
        assertThat(body.get("kinesisSchemaVersion").asText()).isEqualTo("1.0");
        assertThat(body.get("partitionKey").asText()).isEqualTo("order-42");
        assertThat(body.get("sequenceNumber").asText()).isEqualTo(put.sequenceNumber());
        assertThat(new String(Base64.getDecoder().decode(body.get("data").asText()), StandardCharsets.UTF_8)).isEqualTo(payload);
        assertThat(body.get("approximateArrivalTimestamp").isNumber()).isTrue();
        assertThat(body.get("approximateArrivalTimestamp").asDouble()).isCloseTo(System.currentTimeMillis() / 1000.0, org.assertj.core.data.Offset.offset(60.0));
        assertThat(body.get("eventSource").asText()).isEqualTo("aws:kinesis");
        assertThat(body.get("eventVersion").asText()).isEqualTo("1.0");
        assertThat(body.get("eventID").asText()).isEqualTo(put.shardId() + ":" + put.sequenceNumber());
        assertThat(body.get("eventName").asText()).isEqualTo("aws:kinesis:record");
        assertThat(body.get("invokeIdentityArn").asText()).isEqualTo(ROLE);
        assertThat(body.get("awsRegion").asText()).isEqualTo("us-east-1");
        assertThat(body.get("eventSourceARN").asText()).isEqualTo(streamArn(stream));
    }

    @Test
    void filtersOnParsedDataAndDropsNonMatchingAndNonJsonRecords() throws Exception {
        String stream = createStream("orders-filter");
        String queue = cloud.sqs().createQueue("worker-filter", Map.of());
        run(PipeDefinition.builder("filter").source(streamArn(stream)).target(EmbeddedSqs.queueArn("worker-filter")).roleArn(ROLE)
                .sourceParameters("KinesisStreamParameters", "{\"StartingPosition\":\"TRIM_HORIZON\",\"BatchSize\":10}")
                .filter("{\"data\":{\"type\":[\"OrderCreated\"],\"order\":{\"total\":[{\"numeric\":[\"<\",100]}]}}}")
                .filter("{\"partitionKey\":[{\"prefix\":\"vip-\"}]}")
                .build());

        put(stream, "a", "{\"type\":\"OrderCreated\",\"order\":{\"total\":500}}"); // too expensive
        put(stream, "b", "not json at all");                                       // non-JSON data + data pattern ⇒ dropped
        put(stream, "c", "{\"type\":\"OrderShipped\",\"order\":{\"total\":5}}");   // wrong type
        put(stream, "d", "{\"type\":\"OrderCreated\",\"order\":{\"total\":50}}");  // matches filter 1
        put(stream, "vip-e", "binary-ish payload");                                // matches filter 2 (OR)

        List<Message> received = Received.await(sqs, queue, 2);
        assertThat(received).extracting(m -> JSON.readTree(m.body()).get("partitionKey").asText()).containsExactly("d", "vip-e");
        await().untilAsserted(() -> assertThat(runtime.metrics("filter").filtered()).isEqualTo(3));
        assertThat(sqs.receiveMessage(b -> b.queueUrl(queue).waitTimeSeconds(1)).messages()).isEmpty();
    }

    @Test
    void rendersTheInputTemplatePerRecordAsDocumented() throws Exception {
        String stream = createStream("orders-template");
        String queue = cloud.sqs().createQueue("worker-template", Map.of());
        String template = "{\"kit\":\"pipes/1\",\"pipe\":<aws.pipes.pipe-name>,\"source\":<aws.pipes.source-arn>,\"eventId\":<$.eventID>,"
                + "\"partitionKey\":<$.partitionKey>,\"ingestedAt\":<aws.pipes.event.ingestion-time>,\"data\":<$.data>,"
                + "\"summary\":\"order <$.data.id> of type <$.data.type>\"}";
        run(PipeDefinition.builder("orders-to-worker").source(streamArn(stream)).target(EmbeddedSqs.queueArn("worker-template")).roleArn(ROLE)
                .sourceParameters("KinesisStreamParameters", "{\"StartingPosition\":\"TRIM_HORIZON\",\"BatchSize\":5}")
                .inputTemplate(template).build());

        PutRecordResponse first = put(stream, "order-42", "{\"type\":\"order.created\",\"id\":\"42\"}");
        put(stream, "order-43", "{\"type\":\"order.paid\",\"id\":\"43\"}");

        List<Message> received = Received.await(sqs, queue, 2);
        JsonNode body = JSON.readTree(received.getFirst().body());
        // docs/aws-behaviour.md §1.7 example: value-position placeholders become JSON values, data is parsed
        assertThat(fieldNames(body)).containsExactly("kit", "pipe", "source", "eventId", "partitionKey", "ingestedAt", "data", "summary");
        assertThat(body.get("pipe").asText()).isEqualTo("orders-to-worker");
        assertThat(body.get("source").asText()).isEqualTo(streamArn(stream));
        assertThat(body.get("eventId").asText()).isEqualTo(first.shardId() + ":" + first.sequenceNumber());
        assertThat(body.get("partitionKey").asText()).isEqualTo("order-42");
        assertThat(body.get("ingestedAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        assertThat(body.get("data")).isEqualTo(JSON.readTree("{\"type\":\"order.created\",\"id\":\"42\"}"));
        assertThat(body.get("summary").asText()).isEqualTo("order 42 of type order.created");
        assertThat(JSON.readTree(received.get(1).body()).get("data").get("id").asText()).isEqualTo("43");
    }

    @Test
    void sendsOneSendMessageBatchCallPerTenRecords() {
        String stream = createStream("orders-batch");
        String queue = cloud.sqs().createQueue("worker-batch", Map.of());
        List<software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            entries.add(software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry.builder()
                    .partitionKey("k").data(SdkBytes.fromUtf8String("{\"n\":" + i + "}")).build());
        }
        kinesis.putRecords(b -> b.streamName(stream).records(entries));
        batchCalls.clear();
        run(PipeDefinition.builder("batch").source(streamArn(stream)).target(EmbeddedSqs.queueArn("worker-batch")).roleArn(ROLE)
                .sourceParameters("KinesisStreamParameters", "{\"StartingPosition\":\"TRIM_HORIZON\",\"BatchSize\":10}").build());

        List<Message> received = Received.await(sqs, queue, 25);
        assertThat(received).hasSize(25);
        assertThat(batchCalls).containsExactly(10, 10, 5);
        runtime.stop("batch");
    }

    @Test
    void elevenMessagesBecomeTwoSendMessageBatchCalls() {
        String queue = cloud.sqs().createQueue("worker-eleven", Map.of());
        SqsTarget target = new SqsTarget(runtimeSqs(), EmbeddedSqs.queueArn("worker-eleven"));
        List<SqsTarget.Message> messages = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            messages.add(new SqsTarget.Message(i, "{\"n\":" + i + "}", null, null));
        }
        batchCalls.clear();
        assertThat(target.send(messages)).isEmpty();
        assertThat(batchCalls).containsExactly(10, 1);
        assertThat(Received.await(sqs, queue, 11)).hasSize(11);
    }

    @Test
    void fifoTargetTakesGroupAndDedupIdsFromPaths() throws Exception {
        String stream = createStream("orders-fifo");
        String queue = cloud.sqs().createQueue("worker.fifo", Map.of(QueueAttributeName.FIFO_QUEUE, "true"));
        run(PipeDefinition.builder("fifo").source(streamArn(stream)).target(EmbeddedSqs.queueArn("worker.fifo")).roleArn(ROLE)
                .sourceParameters("KinesisStreamParameters", "{\"StartingPosition\":\"TRIM_HORIZON\",\"BatchSize\":10}")
                .sqsTarget("$.partitionKey", "$.data.id").build());

        put(stream, "customer-1", "{\"id\":\"a\"}");
        put(stream, "customer-1", "{\"id\":\"a\"}"); // same dedup id: SQS drops it
        put(stream, "customer-2", "{\"id\":\"b\"}");
        put(stream, "customer-1", "{\"id\":\"c\"}");

        List<Message> received = new ArrayList<>(Received.await(sqs, queue, 3));
        assertThat(received).extracting(m -> m.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID))
                .containsExactlyInAnyOrder("customer-1", "customer-1", "customer-2");
        assertThat(received).extracting(m -> m.attributes().get(MessageSystemAttributeName.MESSAGE_DEDUPLICATION_ID))
                .containsExactlyInAnyOrder("a", "b", "c");
        assertThat(sqs.receiveMessage(b -> b.queueUrl(queue).waitTimeSeconds(1)).messages()).isEmpty();
    }

    @Test
    void targetOutageRetriesThenWritesTheDlqMetadataRecordAndMovesOn() throws Exception {
        String stream = createStream("orders-outage");
        String dlq = cloud.sqs().createQueue("pipe-dlq", Map.of());
        cloud.sqs().createQueue("worker-outage", Map.of());
        run(PipeDefinition.builder("outage").source(streamArn(stream)).target(EmbeddedSqs.queueArn("worker-outage")).roleArn(ROLE)
                .sourceParameters("KinesisStreamParameters", "{\"StartingPosition\":\"TRIM_HORIZON\",\"BatchSize\":10,"
                        + "\"MaximumRetryAttempts\":2,\"DeadLetterConfig\":{\"Arn\":\"" + EmbeddedSqs.queueArn("pipe-dlq") + "\"}}").build());
        // the target disappears after the pipe started: every send now fails with QueueDoesNotExist (a customer error)
        sqs.deleteQueue(b -> b.queueUrl(sqs.getQueueUrl(q -> q.queueName("worker-outage")).queueUrl()));
        PutRecordResponse first = put(stream, "k", "{\"n\":1}");
        PutRecordResponse last = put(stream, "k", "{\"n\":2}");

        JsonNode record = JSON.readTree(Received.await(sqs, dlq, 1).getFirst().body());
        assertThat(record.get("requestContext").get("condition").asText()).isEqualTo("RetryAttemptsExhausted");
        assertThat(record.get("requestContext").get("approximateInvokeCount").asInt()).isEqualTo(3);
        assertThat(record.get("version").asText()).isEqualTo("1.0");
        JsonNode info = record.get("KinesisBatchInfo");
        assertThat(fieldNames(info)).containsExactly("shardId", "startSequenceNumber", "endSequenceNumber",
                "approximateArrivalOfFirstRecord", "approximateArrivalOfLastRecord", "batchSize", "streamArn");
        assertThat(info.get("shardId").asText()).isEqualTo(first.shardId());
        assertThat(info.get("startSequenceNumber").asText()).isEqualTo(first.sequenceNumber());
        assertThat(info.get("batchSize").asInt()).isBetween(1, 2);
        assertThat(info.get("streamArn").asText()).isEqualTo(streamArn(stream));
        assertThat(record.toString()).doesNotContain(Base64.getEncoder().encodeToString("{\"n\":1}".getBytes(StandardCharsets.UTF_8)));
        await().untilAsserted(() -> assertThat(runtime.metrics("outage").deadLettered()).isEqualTo(2));

        // the shard is no longer blocked: once the target is back, new records flow
        String queue = cloud.sqs().createQueue("worker-outage", Map.of());
        put(stream, "k", "{\"n\":3}");
        assertThat(JSON.readTree(Received.await(sqs, queue, 1).getFirst().body()).get("data").asText())
                .isEqualTo(Base64.getEncoder().encodeToString("{\"n\":3}".getBytes(StandardCharsets.UTF_8)));
        assertThat(last.sequenceNumber()).isNotNull();
    }

    @Test
    void recordsOlderThanMaximumRecordAgeGoToTheDlq() throws Exception {
        String stream = createStream("orders-age");
        cloud.sqs().createQueue("worker-age", Map.of());
        String dlq = cloud.sqs().createQueue("age-dlq", Map.of());
        put(stream, "k", "{\"old\":true}");
        // let the record age past the limit before the pipe reads it
        await().pollDelay(Duration.ofMillis(1500)).until(() -> true);
        run(PipeDefinition.builder("age").source(streamArn(stream)).target(EmbeddedSqs.queueArn("worker-age")).roleArn(ROLE)
                .sourceParameters("KinesisStreamParameters", "{\"StartingPosition\":\"TRIM_HORIZON\",\"BatchSize\":10,"
                        + "\"MaximumRecordAgeInSeconds\":1,\"DeadLetterConfig\":{\"Arn\":\"" + EmbeddedSqs.queueArn("age-dlq") + "\"}}").build());

        JsonNode record = JSON.readTree(Received.await(sqs, dlq, 1).getFirst().body());
        assertThat(record.get("requestContext").get("condition").asText()).isEqualTo("RecordAgeExceeded");
        assertThat(record.get("KinesisBatchInfo").get("batchSize").asInt()).isEqualTo(1);
    }

    @Test
    void stopAndStartResumeFromTheCheckpointWithoutLossOrDuplicates() throws Exception {
        String stream = createStream("orders-resume");
        String queue = cloud.sqs().createQueue("worker-resume", Map.of());
        run(PipeDefinition.builder("resume").source(streamArn(stream)).target(EmbeddedSqs.queueArn("worker-resume")).roleArn(ROLE)
                .sourceParameters("KinesisStreamParameters", "{\"StartingPosition\":\"LATEST\",\"BatchSize\":10}").build());
        put(stream, "k", "{\"n\":1}");
        assertThat(Received.await(sqs, queue, 1)).hasSize(1);

        runtime.stop("resume");
        await().until(() -> runtime.describe("resume").currentState() == PipeState.STOPPED);
        put(stream, "k", "{\"n\":2}");
        put(stream, "k", "{\"n\":3}");
        runtime.start("resume");
        await().until(() -> runtime.describe("resume").currentState() == PipeState.RUNNING);

        List<Message> received = Received.await(sqs, queue, 2);
        assertThat(received).extracting(m -> new String(Base64.getDecoder().decode(JSON.readTree(m.body()).get("data").asText()), StandardCharsets.UTF_8))
                .containsExactly("{\"n\":2}", "{\"n\":3}");
        assertThat(sqs.receiveMessage(b -> b.queueUrl(queue).waitTimeSeconds(1)).messages()).isEmpty();
    }

    @Test
    void latestOnAStreamReshardedBeforeThePipeExistedReplaysNothing() throws Exception {
        String stream = createStream("orders-resharded");
        String queue = cloud.sqs().createQueue("worker-resharded", Map.of());
        put(stream, "k", "{\"before\":\"split\"}");
        String parent = kinesis.listShards(b -> b.streamName(stream)).shards().getFirst().shardId();
        kinesis.splitShard(b -> b.streamName(stream).shardToSplit(parent).newStartingHashKey("170141183460469231731687303715884105728"));
        await().until(() -> kinesis.describeStreamSummary(b -> b.streamName(stream)).streamDescriptionSummary().streamStatus() == StreamStatus.ACTIVE);
        put(stream, "a", "{\"after\":\"split\"}");
        put(stream, "b", "{\"after\":\"split\"}");

        // docs/aws-behaviour.md §1.3: LATEST is the tip of the stream when the pipe starts, children included
        run(PipeDefinition.builder("resharded").source(streamArn(stream)).target(EmbeddedSqs.queueArn("worker-resharded")).roleArn(ROLE)
                .sourceParameters("KinesisStreamParameters", "{\"StartingPosition\":\"LATEST\",\"BatchSize\":10}").build());
        put(stream, "a", "{\"n\":\"new\"}");

        List<Message> received = Received.await(sqs, queue, 1);
        assertThat(received).extracting(m -> new String(Base64.getDecoder().decode(JSON.readTree(m.body()).get("data").asText()), StandardCharsets.UTF_8))
                .containsExactly("{\"n\":\"new\"}");
        assertThat(sqs.receiveMessage(b -> b.queueUrl(queue).waitTimeSeconds(1)).messages()).isEmpty();

        // a restart neither replays the children from their start nor reads the closed parent
        runtime.stop("resharded");
        await().until(() -> runtime.describe("resharded").currentState() == PipeState.STOPPED);
        runtime.start("resharded");
        await().until(() -> runtime.describe("resharded").currentState() == PipeState.RUNNING);
        put(stream, "b", "{\"n\":\"after-restart\"}");
        assertThat(Received.await(sqs, queue, 1)).extracting(m -> new String(Base64.getDecoder().decode(JSON.readTree(m.body()).get("data").asText()), StandardCharsets.UTF_8))
                .containsExactly("{\"n\":\"after-restart\"}");
        assertThat(sqs.receiveMessage(b -> b.queueUrl(queue).waitTimeSeconds(1)).messages()).isEmpty();
    }

    @Test
    void aMergedShardIsReadOnlyAfterBothParents() throws Exception {
        kinesis.createStream(b -> b.streamName("orders-merge").shardCount(2));
        await().until(() -> kinesis.describeStreamSummary(b -> b.streamName("orders-merge")).streamDescriptionSummary().streamStatus() == StreamStatus.ACTIVE);
        String queue = cloud.sqs().createQueue("worker-merge.fifo", Map.of(software.amazon.awssdk.services.sqs.model.QueueAttributeName.FIFO_QUEUE, "true",
                software.amazon.awssdk.services.sqs.model.QueueAttributeName.CONTENT_BASED_DEDUPLICATION, "true"));
        List<software.amazon.awssdk.services.kinesis.model.Shard> parents = kinesis.listShards(b -> b.streamName("orders-merge")).shards();
        for (int i = 0; i < 20; i++) {
            String key = "key-" + i;
            put("orders-merge", key, "{\"parent\":" + i + "}");
        }
        kinesis.mergeShards(b -> b.streamName("orders-merge").shardToMerge(parents.get(0).shardId()).adjacentShardToMerge(parents.get(1).shardId()));
        await().until(() -> kinesis.describeStreamSummary(b -> b.streamName("orders-merge")).streamDescriptionSummary().streamStatus() == StreamStatus.ACTIVE);
        put("orders-merge", "child", "{\"child\":true}");

        run(PipeDefinition.builder("merge").source(streamArn("orders-merge")).target(EmbeddedSqs.queueArn("worker-merge.fifo")).roleArn(ROLE)
                .sourceParameters("KinesisStreamParameters", "{\"StartingPosition\":\"TRIM_HORIZON\",\"BatchSize\":1}")
                .sqsTarget("one-group", null).build());

        // one FIFO group keeps the send order: the child's record comes after every record of both parents
        List<Message> received = Received.await(sqs, queue, 21);
        assertThat(new String(Base64.getDecoder().decode(JSON.readTree(received.getLast().body()).get("data").asText()), StandardCharsets.UTF_8))
                .isEqualTo("{\"child\":true}");
    }

    @Test
    void missingStreamFailsCreationWithAStateReason() {
        cloud.sqs().createQueue("worker-missing", Map.of());
        runtime.create(PipeDefinition.builder("missing").source(streamArn("no-such-stream")).target(EmbeddedSqs.queueArn("worker-missing"))
                .sourceParameters("KinesisStreamParameters", "{\"StartingPosition\":\"LATEST\"}").build());
        await().until(() -> runtime.describe("missing").currentState() == PipeState.CREATE_FAILED);
        assertThat(runtime.describe("missing").stateReason()).contains("Stream not found");
    }

    @Test
    void aDeletedStreamStopsThePipeWithTheAwsStateReason() {
        String stream = createStream("orders-vanishing");
        cloud.sqs().createQueue("worker-vanishing", Map.of());
        run(PipeDefinition.builder("vanishing").source(streamArn(stream)).target(EmbeddedSqs.queueArn("worker-vanishing"))
                .sourceParameters("KinesisStreamParameters", "{\"StartingPosition\":\"LATEST\"}").build());
        kinesis.deleteStream(b -> b.streamName(stream));
        await().until(() -> runtime.describe("vanishing").currentState() == PipeState.STOPPED);
        assertThat(runtime.describe("vanishing").stateReason())
                .isEqualTo("Stream not found. To resume processing please delete the pipe and create a new one.");
        assertThat(runtime.describe("vanishing").desiredState()).isEqualTo("RUNNING");
    }

    @Test
    void rejectsWhatCreatePipeRejects() {
        String target = EmbeddedSqs.queueArn("any");
        assertThatThrownBy(() -> runtime.create(PipeDefinition.builder("big").source(streamArn("s")).target(target)
                .sourceParameters("KinesisStreamParameters", "{\"StartingPosition\":\"LATEST\",\"BatchSize\":11}").build()))
                .isInstanceOf(PipesApiException.class).hasMessageContaining("BatchSize 11").hasMessageContaining("10");
        assertThatThrownBy(() -> runtime.create(PipeDefinition.builder("op").source(streamArn("s")).target(target)
                .sourceParameters("KinesisStreamParameters", "{\"StartingPosition\":\"LATEST\"}")
                .filter("{\"partitionKey\":[{\"anything-but\":{\"prefix\":\"x\"}}]}").build()))
                .isInstanceOf(PipesApiException.class).hasMessageContaining("anything-but with prefix");
        assertThatThrownBy(() -> runtime.create(PipeDefinition.builder("plain").source(streamArn("s")).target(target)
                .sourceParameters("KinesisStreamParameters", "{\"StartingPosition\":\"LATEST\"}")
                .filter("{\"data\":[\"text\"]}").build()))
                .isInstanceOf(PipesApiException.class).hasMessageContaining("must be a JSON object");
        assertThatThrownBy(() -> runtime.create(PipeDefinition.builder("fifo-no-group").source(streamArn("s")).target(EmbeddedSqs.queueArn("q.fifo"))
                .sourceParameters("KinesisStreamParameters", "{\"StartingPosition\":\"LATEST\"}").build()))
                .isInstanceOf(PipesApiException.class).hasMessageContaining("MessageGroupId");
        assertThatThrownBy(() -> runtime.create(PipeDefinition.builder("no-position").source(streamArn("s")).target(target)
                .sourceParameters("KinesisStreamParameters", "{\"BatchSize\":5}").build()))
                .isInstanceOf(PipesApiException.class).hasMessageContaining("startingPosition");
        PipeDefinition enriched = PipeDefinition.builder("enriched").source(streamArn("s")).target(target)
                .sourceParameters("KinesisStreamParameters", "{\"StartingPosition\":\"LATEST\"}").build();
        com.fasterxml.jackson.databind.node.ObjectNode request = enriched.request().put("Enrichment", "arn:aws:lambda:us-east-1:000000000000:function:f");
        assertThatThrownBy(() -> runtime.create(new PipeDefinition("enriched", request)))
                .isInstanceOf(PipesApiException.class).hasMessageContaining("Enrichment");
        List<String> six = List.of("{\"a\":[1]}", "{\"a\":[2]}", "{\"a\":[3]}", "{\"a\":[4]}", "{\"a\":[5]}", "{\"a\":[6]}");
        PipeDefinition.Builder tooMany = PipeDefinition.builder("six").source(streamArn("s")).target(target)
                .sourceParameters("KinesisStreamParameters", "{\"StartingPosition\":\"LATEST\"}");
        six.forEach(tooMany::filter);
        assertThatThrownBy(() -> runtime.create(tooMany.build())).isInstanceOf(PipesApiException.class).hasMessageContaining("less than or equal to 5");
    }

    // ---- helpers ----

    private static SqsClient runtimeSqs() {
        // the same observed client the runtime uses, so batchCalls sees these calls
        try {
            java.lang.reflect.Field field = PipesRuntime.class.getDeclaredField("sqs");
            field.setAccessible(true);
            return (SqsClient) field.get(runtime);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void run(PipeDefinition definition) {
        runtime.create(definition);
        await().atMost(Duration.ofSeconds(20)).until(() -> runtime.describe(definition.name()).currentState() == PipeState.RUNNING);
    }

    private static String createStream(String name) {
        kinesis.createStream(b -> b.streamName(name).shardCount(1));
        await().until(() -> kinesis.describeStreamSummary(b -> b.streamName(name)).streamDescriptionSummary().streamStatus() == StreamStatus.ACTIVE);
        return name;
    }

    private static String streamArn(String stream) {
        return "arn:aws:kinesis:us-east-1:000000000000:stream/" + stream;
    }

    private static PutRecordResponse put(String stream, String key, String data) {
        return kinesis.putRecord(b -> b.streamName(stream).partitionKey(key).data(SdkBytes.fromUtf8String(data)));
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
