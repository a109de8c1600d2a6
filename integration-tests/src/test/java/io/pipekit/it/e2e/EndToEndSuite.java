package io.pipekit.it.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.pipekit.producers.DeliveryAudit;
import io.pipekit.producers.KeySpace;
import io.pipekit.producers.Producer;
import io.pipekit.producers.RunSummary;
import io.pipekit.producers.SampleEvent;
import io.pipekit.producers.Scenario;
import io.pipekit.producers.Targets;
import io.pipekit.producers.TrafficPlan;
import io.pipekit.worker.MessageHandler;
import io.pipekit.worker.Worker;
import io.pipekit.worker.WorkerOptions;
import io.pipekit.worker.envelope.KitEnvelope;
import io.pipekit.worker.envelope.PipesKinesisRecord;
import io.pipekit.worker.envelope.RawMessage;
import io.pipekit.worker.BackoffPolicy;
import io.pipekit.worker.routing.Router;
import io.pipekit.worker.sqsd.BodyMode;
import io.pipekit.worker.sqsd.SqsdConfig;
import io.pipekit.worker.sqsd.SqsdForwarder;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;
import software.amazon.awssdk.services.pipes.model.DynamoDBStreamStartPosition;
import software.amazon.awssdk.services.pipes.model.Filter;
import software.amazon.awssdk.services.pipes.model.KinesisStreamStartPosition;
import software.amazon.awssdk.services.pipes.model.PipeSourceParameters;
import software.amazon.awssdk.services.pipes.model.PipeState;
import software.amazon.awssdk.services.pipes.model.PipeTargetParameters;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Every delivery path of the kit, end to end, as a user wires it: producers generate the traffic
 * through the real SDK, the pipe / rule is created through the Pipes / EventBridge API, and a
 * {@link Worker} with a {@link Router} decodes the typed envelopes off the queue. Each test asserts
 * what arrived (which events, how often, their typed fields, the queue left empty), never just that
 * nothing threw. Subclasses choose the {@link Stack}; one stack is shared by a class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class EndToEndSuite {

    private static final Logger log = LoggerFactory.getLogger(EndToEndSuite.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ROLE = "arn:aws:iam::000000000000:role/pipekit-e2e";
    /** The kit's Kinesis template (copilot/subscriptions.yml, docs/aws-behaviour.md §7). */
    static final String KIT_TEMPLATE = "{\"kit\":\"pipes/1\",\"pipe\":<aws.pipes.pipe-name>,\"source\":<aws.pipes.source-arn>,"
            + "\"eventId\":<$.eventID>,\"partitionKey\":<$.partitionKey>,\"sequenceNumber\":<$.sequenceNumber>,"
            + "\"ingestedAt\":<aws.pipes.event.ingestion-time>,\"data\":<$.data>}";
    static final int EVENTS = Integer.getInteger("pipekit.e2e.events", 300);
    private static final Duration DELIVERY = Duration.ofSeconds(90);

    private Stack stack;

    /** Starts the stack this class runs against (once per class). */
    protected abstract Stack openStack();

    @BeforeAll
    public void start() {
        stack = openStack();
    }

    @AfterAll
    public void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    // ---------------------------------------------------------------- 1. Kinesis → pipe → SQS

    @Test
    public void kinesisThroughAFilteredKitTemplatePipeReachesTheWorkerExactlyOnce() throws Exception {
        String stream = createStream("e2e-orders-kit", 2);
        String queue = createQueue("e2e-kinesis-kit", Map.of());
        Set<String> wanted = Set.of("order.paid", "order.shipped");
        createPipe("e2e-kinesis-kit", stack.streamArn(stream), queue,
                PipeSourceParameters.builder().kinesisStreamParameters(k -> k.startingPosition(KinesisStreamStartPosition.TRIM_HORIZON).batchSize(10))
                        .filterCriteria(f -> f.filters(Filter.builder().pattern("{\"data\":{\"type\":[\"order.paid\",\"order.shipped\"]}}").build())).build(),
                PipeTargetParameters.builder().inputTemplate(KIT_TEMPLATE).build());

        String runId = "kit-" + stack.label();
        Deliveries got = new Deliveries(runId);
        List<KitEnvelope> envelopes = new CopyOnWriteArrayList<>();
        Router router = Router.builder().on(KitEnvelope.class, kit -> {
            envelopes.add(kit);
            got.record(SampleEvent.fromJsonNode(kit.data().json()));
        }).build();

        RecordingTarget<?> produced = RecordingTarget.of(Targets.kinesis(stack.kinesis(), stream));
        RunSummary sent;
        try (Worker worker = startWorker(queue, router)) {
            sent = Producer.run(plan(Scenario.ORDERS, runId), produced);
            assertThat(sent.allDelivered()).as(sent.toText()).isTrue();
            Set<Long> expected = seqs(produced, e -> wanted.contains(e.type()));
            awaitPipeRead("e2e-kinesis-kit", sent.sent());
            awaitProcessed(got, expected.size(), queue);

            assertThat(got.seqs()).isEqualTo(expected);
        }
        Set<Long> expected = seqs(produced, e -> wanted.contains(e.type()));
        assertThat(expected).isNotEmpty().hasSizeLessThan((int) sent.sent()); // the filter really dropped some
        DeliveryAudit.Report report = got.report(sent.sent());
        logReport("kinesis→pipe(filter, kit template)→sqs", sent.sent(), expected.size(), report);
        assertThat(report.duplicates()).as("duplicates").isZero();
        assertThat(report.missing()).as("only the filtered-out events are missing").isEqualTo(sent.sent() - expected.size());
        assertThat(report.otherRuns()).isZero();
        assertThat(stack.pipeMetrics("e2e-kinesis-kit").filtered()).isEqualTo(sent.sent() - expected.size());

        Map<String, SampleEvent> bySeq = produced.acknowledged().stream().collect(Collectors.toMap(e -> Long.toString(e.seq()), e -> e));
        for (KitEnvelope kit : envelopes) {
            SampleEvent event = SampleEvent.fromJsonNode(kit.data().json());
            assertThat(event.toJson()).as("the producer's event, byte for byte").isEqualTo(bySeq.get(Long.toString(event.seq())).toJson());
            assertThat(wanted).contains(event.type());
            assertThat(kit.pipe()).isEqualTo("e2e-kinesis-kit");
            assertThat(kit.source()).isEqualTo(stack.streamArn(stream));
            assertThat(kit.partitionKey()).isEqualTo(event.key());
            assertThat(kit.eventId()).startsWith("shardId-").endsWith(":" + kit.sequenceNumber());
            assertThat(kit.ingestedAt()).isNotNull();
        }
    }

    @Test
    public void kinesisWithoutATemplateDeliversTheFlatRecordDecodedAsPipesKinesisRecord() throws Exception {
        String stream = createStream("e2e-orders-flat", 2);
        String queue = createQueue("e2e-kinesis-flat", Map.of());
        createPipe("e2e-kinesis-flat", stack.streamArn(stream), queue,
                PipeSourceParameters.builder().kinesisStreamParameters(k -> k.startingPosition(KinesisStreamStartPosition.TRIM_HORIZON).batchSize(10)).build(),
                null);

        String runId = "flat-" + stack.label();
        Deliveries got = new Deliveries(runId);
        List<String> problems = new CopyOnWriteArrayList<>();
        Router router = Router.builder().on(PipesKinesisRecord.class, record -> {
            SampleEvent event = SampleEvent.parse(record.data().text()); // base64 data → the producer's JSON
            if (!event.key().equals(record.partitionKey())) problems.add("partition key " + record.partitionKey() + " != " + event.key());
            if (!stream.equals(record.streamName())) problems.add("stream " + record.streamName());
            if (!record.eventId().equals(record.shardId() + ":" + record.sequenceNumber())) problems.add("eventID " + record.eventId());
            if (record.approximateArrival() == null || !"aws:kinesis".equals(record.json().path("eventSource").asText())) {
                problems.add("record metadata " + record.summary());
            }
            got.record(event);
        }).build();

        RecordingTarget<?> produced = RecordingTarget.of(Targets.kinesis(stack.kinesis(), stream));
        try (Worker worker = startWorker(queue, router)) {
            RunSummary sent = Producer.run(plan(Scenario.CLICKSTREAM, runId), produced);
            assertThat(sent.allDelivered()).as(sent.toText()).isTrue();
            awaitProcessed(got, (int) sent.sent(), queue);

            DeliveryAudit.Report report = got.report(sent.sent());
            logReport("kinesis→pipe(flat record)→sqs", sent.sent(), sent.sent(), report);
            assertThat(report.missing()).as("missing %s", report.missingSeqs()).isZero();
            assertThat(report.duplicates()).isZero();
            assertThat(report.unique()).isEqualTo(EVENTS);
        }
        assertThat(problems).isEmpty();
        assertThat(got.inOrder()).extracting(SampleEvent::scenario).containsOnly("clickstream");
    }

    // ---------------------------------------------------------------- 2. DynamoDB stream → pipe → SQS

    @Test
    public void dynamoDbStreamChangesFilteredOnEventNameArriveTyped() throws Exception {
        String table = "e2e-orders";
        stack.dynamoDb().createTable(b -> b.tableName(table)
                .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH))
                .attributeDefinitions(a -> a.attributeName("pk").attributeType(ScalarAttributeType.S))
                .provisionedThroughput(p -> p.readCapacityUnits(100L).writeCapacityUnits(100L))
                .streamSpecification(s -> s.streamEnabled(true).streamViewType(StreamViewType.NEW_AND_OLD_IMAGES)));
        await().atMost(Duration.ofSeconds(30)).until(() -> stack.dynamoDb().describeTable(b -> b.tableName(table)).table().tableStatus() == TableStatus.ACTIVE);
        String streamArn = stack.dynamoDb().describeTable(b -> b.tableName(table)).table().latestStreamArn();
        String queue = createQueue("e2e-dynamodb", Map.of());
        // every INSERT and REMOVE, and of the MODIFYs only those that ship an order (two filters are ORed)
        createPipe("e2e-dynamodb", streamArn, queue,
                PipeSourceParameters.builder().dynamoDBStreamParameters(d -> d.startingPosition(DynamoDBStreamStartPosition.TRIM_HORIZON).batchSize(10))
                        .filterCriteria(f -> f.filters(
                                Filter.builder().pattern("{\"eventName\":[\"INSERT\",\"REMOVE\"]}").build(),
                                Filter.builder().pattern("{\"eventName\":[\"MODIFY\"],\"dynamodb\":{\"NewImage\":{\"type\":{\"S\":[\"order.shipped\"]}}}}").build()))
                        .build(),
                null);

        String runId = "ddb-" + stack.label();
        Deliveries changed = new Deliveries(runId);
        Map<String, List<Long>> inserts = new ConcurrentHashMap<>();
        Map<String, List<Long>> modifies = new ConcurrentHashMap<>();
        Map<String, Long> removed = new ConcurrentHashMap<>();
        List<String> problems = new CopyOnWriteArrayList<>();
        Router router = Router.builder().onDynamoDbTable(table, record -> {
            if (record.isRemove()) {
                SampleEvent last = fromImage(record.oldImage().orElseThrow());
                if (record.newImage().isPresent()) problems.add("REMOVE with a new image");
                removed.merge(last.subject(), 1L, Long::sum);
                return;
            }
            SampleEvent event = fromImage(record.newImage().orElseThrow());
            if (!record.keys().equals(Map.of("pk", event.subject()))) problems.add("keys " + record.keys());
            if (record.isInsert()) {
                if (record.oldImage().isPresent()) problems.add("INSERT with an old image");
                inserts.computeIfAbsent(event.subject(), s -> new CopyOnWriteArrayList<>()).add(event.seq());
            } else if (record.isModify()) {
                SampleEvent before = fromImage(record.oldImage().orElseThrow());
                if (before.seq() >= event.seq()) problems.add("MODIFY old seq " + before.seq() + " >= new " + event.seq());
                modifies.computeIfAbsent(event.subject(), s -> new CopyOnWriteArrayList<>()).add(event.seq());
            }
            changed.record(event);
        }).build();

        // one item per order, written in order (concurrency 1), so the stream holds INSERT then MODIFYs per order
        RecordingTarget<?> produced = RecordingTarget.of(Targets.dynamoDbBySubject(stack.dynamoDb(), table, "pk"));
        int events = Math.max(60, EVENTS / 3); // DynamoDB Local's stream is the slowest source
        try (Worker worker = startWorker(queue, router)) {
            RunSummary sent = Producer.run(plan(Scenario.ORDERS, runId).withCount(events).withConcurrency(1), produced);
            assertThat(sent.allDelivered()).as(sent.toText()).isTrue();

            Map<String, List<SampleEvent>> bySubject = new LinkedHashMap<>();
            produced.acknowledged().forEach(e -> bySubject.computeIfAbsent(e.subject(), s -> new ArrayList<>()).add(e));
            List<String> cancelled = bySubject.entrySet().stream().filter(e -> e.getValue().getLast().type().equals("order.cancelled"))
                    .map(Map.Entry::getKey).toList();
            for (String subject : cancelled) {
                stack.dynamoDb().deleteItem(b -> b.tableName(table).key(Map.of("pk", AttributeValue.fromS(subject))));
            }
            Map<String, List<Long>> expectedInserts = new HashMap<>();
            Map<String, List<Long>> expectedModifies = new HashMap<>();
            bySubject.forEach((subject, history) -> {
                expectedInserts.put(subject, List.of(history.getFirst().seq()));
                List<Long> shipped = history.stream().skip(1).filter(e -> e.type().equals("order.shipped")).map(SampleEvent::seq).toList();
                if (!shipped.isEmpty()) expectedModifies.put(subject, shipped);
            });
            long streamRecords = sent.sent() + cancelled.size();
            int arriving = bySubject.size() + expectedModifies.values().stream().mapToInt(List::size).sum();

            awaitPipeRead("e2e-dynamodb", streamRecords);
            await().atMost(DELIVERY).until(() -> changed.unique() == arriving && removed.size() == cancelled.size() && held(queue) == 0);

            assertThat(inserts).isEqualTo(expectedInserts);
            assertThat(modifies).isEqualTo(expectedModifies);
            assertThat(removed.keySet()).containsExactlyInAnyOrderElementsOf(cancelled);
            assertThat(removed.values()).containsOnly(1L);
            assertThat(cancelled).as("some orders were cancelled, so REMOVE is exercised").isNotEmpty();
            assertThat(expectedModifies).as("some orders shipped, so MODIFY is exercised").isNotEmpty();
            DeliveryAudit.Report report = changed.report(sent.sent());
            logReport("dynamodb stream→pipe(filter on eventName)→sqs [+" + cancelled.size() + " REMOVE]", sent.sent(), arriving, report);
            assertThat(report.duplicates()).isZero();
            assertThat(report.missing()).isEqualTo(sent.sent() - arriving); // the MODIFYs the filter dropped
            assertThat(stack.pipeMetrics("e2e-dynamodb").filtered()).isEqualTo(sent.sent() - arriving);
        }
        assertThat(problems).isEmpty();
    }

    // ---------------------------------------------------------------- 3. EventBridge rule → SQS

    @Test
    public void eventBridgeRulesMatchOnSourceAndDetailTypeAndTransformInput() throws Exception {
        String bus = "e2e-shop";
        stack.eventBridge().createEventBus(b -> b.name(bus));
        String envelopeQueue = createQueue("e2e-rule-envelope", Map.of());
        String transformedQueue = createQueue("e2e-rule-transformed", Map.of());
        stack.eventBridge().putRule(b -> b.name("e2e-paid-or-shipped").eventBusName(bus)
                .eventPattern("{\"source\":[\"e2e.shop\"],\"detail-type\":[\"order.paid\",\"order.shipped\"]}"));
        stack.eventBridge().putTargets(b -> b.rule("e2e-paid-or-shipped").eventBusName(bus)
                .targets(t -> t.id("worker").arn(queueArn(envelopeQueue))));
        stack.eventBridge().putRule(b -> b.name("e2e-cancelled").eventBusName(bus)
                .eventPattern("{\"source\":[\"e2e.shop\"],\"detail-type\":[\"order.cancelled\"]}"));
        stack.eventBridge().putTargets(b -> b.rule("e2e-cancelled").eventBusName(bus).targets(t -> t.id("worker")
                .arn(queueArn(transformedQueue))
                .inputTransformer(x -> x.inputPathsMap(Map.of("seq", "$.detail.seq", "runId", "$.detail.runId", "type", "$.detail-type",
                                "order", "$.detail.data.orderId"))
                        .inputTemplate("{\"cancelled\":{\"order\":<order>,\"seq\":<seq>,\"runId\":<runId>,\"type\":<type>}}"))));

        String runId = "rule-" + stack.label();
        Deliveries envelopes = new Deliveries(runId);
        Map<Long, JsonView> transformed = new ConcurrentHashMap<>();
        List<String> problems = new CopyOnWriteArrayList<>();
        Router eventRouter = Router.builder().onEvent("e2e.shop", event -> {
            SampleEvent e = SampleEvent.fromJsonNode(event.detail().json());
            if (!event.detailType().equals(e.type())) problems.add("detail-type " + event.detailType() + " for " + e.type());
            if (event.id() == null || event.time() == null || !"000000000000".equals(event.account())) problems.add("envelope " + event.summary());
            envelopes.record(e);
        }).build();
        Router transformedRouter = Router.builder().on(RawMessage.class, raw -> {
            // an InputTransformer's output is the user's own JSON, not an EventBridge envelope (docs/aws-behaviour.md §2.4)
            var cancelled = raw.body().json().path("cancelled");
            transformed.merge(cancelled.path("seq").asLong(), new JsonView(cancelled.path("order").asText(), cancelled.path("type").asText(),
                    cancelled.path("runId").asText(), 1), JsonView::plus);
        }).build();

        RecordingTarget<?> produced = RecordingTarget.of(Targets.eventBridge(stack.eventBridge(), bus, "e2e.shop"));
        try (Worker a = startWorker(envelopeQueue, eventRouter); Worker b = startWorker(transformedQueue, transformedRouter)) {
            RunSummary sent = Producer.run(plan(Scenario.ORDERS, runId), produced);
            assertThat(sent.allDelivered()).as(sent.toText()).isTrue();
            Set<Long> paidOrShipped = seqs(produced, e -> e.type().equals("order.paid") || e.type().equals("order.shipped"));
            Map<Long, SampleEvent> cancelled = produced.acknowledged().stream().filter(e -> e.type().equals("order.cancelled"))
                    .collect(Collectors.toMap(SampleEvent::seq, e -> e));
            assertThat(cancelled).isNotEmpty();

            awaitProcessed(envelopes, paidOrShipped.size(), envelopeQueue);
            await().atMost(DELIVERY).during(Duration.ofMillis(500))
                    .until(() -> transformed.size() == cancelled.size() && held(transformedQueue) == 0);

            DeliveryAudit.Report report = envelopes.report(sent.sent());
            logReport("eventbridge rule→sqs [+" + cancelled.size() + " via InputTransformer]", sent.sent(), paidOrShipped.size(), report);
            assertThat(envelopes.seqs()).isEqualTo(paidOrShipped);
            assertThat(report.duplicates()).isZero();
            assertThat(envelopes.inOrder()).extracting(SampleEvent::type).containsOnly("order.paid", "order.shipped");
            assertThat(transformed.keySet()).isEqualTo(cancelled.keySet());
            cancelled.forEach((seq, e) -> assertThat(transformed.get(seq))
                    .isEqualTo(new JsonView(e.data().path("orderId").asText(), "order.cancelled", runId, 1)));
        }
        assertThat(problems).isEmpty();
    }

    private record JsonView(String order, String type, String runId, int copies) {
        JsonView plus(JsonView other) {
            return new JsonView(order, type, runId, copies + other.copies);
        }
    }

    // ---------------------------------------------------------------- 4. SNS-enveloped messages

    @Test
    public void snsEnvelopedMessagesAreUnwrappedToTheInnerPayload() throws Exception {
        String queue = createQueue("e2e-sns", Map.of());
        String topicArn = "arn:aws:sns:us-east-1:000000000000:e2e-alerts";
        String runId = "sns-" + stack.label();
        Deliveries got = new Deliveries(runId);
        List<String> problems = new CopyOnWriteArrayList<>();
        Router router = Router.builder().onTopic("e2e-alerts", notification -> {
            if (!topicArn.equals(notification.topicArn())) problems.add("topic " + notification.topicArn());
            if (!(notification.inner() instanceof RawMessage)) problems.add("inner " + notification.inner().kind());
            if (notification.snsMessageId() == null || notification.timestamp() == null) problems.add("envelope " + notification.summary());
            got.record(SampleEvent.parse(notification.message().text()));
        }).build();

        try (Worker worker = startWorker(queue, router)) {
            RunSummary sent = Producer.run(plan(Scenario.IOT, runId), Targets.snsEnvelopesToSqs(stack.sqs(), queue, topicArn));
            assertThat(sent.allDelivered()).as(sent.toText()).isTrue();
            awaitProcessed(got, (int) sent.sent(), queue);
            DeliveryAudit.Report report = got.report(sent.sent());
            logReport("sns envelopes→sqs", sent.sent(), sent.sent(), report);
            assertThat(report.missing()).isZero();
            assertThat(report.duplicates()).isZero();
        }
        assertThat(problems).isEmpty();
        assertThat(got.inOrder()).extracting(SampleEvent::scenario).containsOnly("iot");
    }

    // ---------------------------------------------------------------- 5. sqsd mode → local HTTP app

    @Test
    public void sqsdModePostsPipedMessagesToAnHttpAppAndDeletesOnlyAfter200() throws Exception {
        String stream = createStream("e2e-sqsd", 1);
        String queue = createQueue("e2e-sqsd", Map.of());
        createPipe("e2e-sqsd", stack.streamArn(stream), queue,
                PipeSourceParameters.builder().kinesisStreamParameters(k -> k.startingPosition(KinesisStreamStartPosition.TRIM_HORIZON).batchSize(10)).build(),
                null);

        String runId = "sqsd-" + stack.label();
        Deliveries accepted = new Deliveries(runId);
        Map<Long, AtomicInteger> posts = new ConcurrentHashMap<>();
        List<String> problems = new CopyOnWriteArrayList<>();
        HttpServer app = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        app.createContext("/events", exchange -> {
            try (exchange; InputStream in = exchange.getRequestBody()) {
                SampleEvent event = SampleEvent.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                var h = exchange.getRequestHeaders();
                int attempt = posts.computeIfAbsent(event.seq(), s -> new AtomicInteger()).incrementAndGet();
                if (!"POST".equals(exchange.getRequestMethod()) || !"aws-sqsd/1.1".equals(h.getFirst("User-Agent"))
                        || h.getFirst("X-Aws-Sqsd-Msgid") == null || !"e2e-sqsd".equals(h.getFirst("X-Aws-Sqsd-Queue"))
                        || h.getFirst("X-Aws-Sqsd-First-Received-At") == null
                        || !Integer.toString(attempt).equals(h.getFirst("X-Aws-Sqsd-Receive-Count"))
                        || !event.key().equals(h.getFirst("X-Pipekit-Partition-Key"))) {
                    problems.add("headers of seq " + event.seq() + ": " + h.entrySet());
                }
                // every 10th event fails once: the message must come back, not be deleted
                int status = event.seq() % 10 == 0 && attempt == 1 ? 500 : 200;
                if (status == 200) accepted.record(event);
                exchange.sendResponseHeaders(status, -1);
            } catch (IOException | RuntimeException e) {
                problems.add(e.toString());
                throw e;
            }
        });
        app.start();
        int events = Math.max(50, EVENTS / 3);
        try (SqsdForwarder forwarder = new SqsdForwarder(SqsdConfig.defaults(URI.create("http://127.0.0.1:" + app.getAddress().getPort() + "/events"))
                .withBodyMode(BodyMode.DECODED));
             Worker worker = Worker.start(stack.workerSqs(), options(queue).backoff(BackoffPolicy.exponential(Duration.ofMillis(200), 2, Duration.ofSeconds(1))).build(),
                     forwarder)) {
            RunSummary sent = Producer.run(plan(Scenario.ORDERS, runId).withCount(events), Targets.kinesis(stack.kinesis(), stream));
            assertThat(sent.allDelivered()).as(sent.toText()).isTrue();
            awaitProcessed(accepted, events, queue);
        } finally {
            app.stop(0);
        }
        DeliveryAudit.Report report = accepted.report(events);
        logReport("kinesis→pipe→sqs→sqsd→http app", events, events, report);
        assertThat(report.missing()).isZero();
        assertThat(report.duplicates()).as("a 200 deletes: nothing is accepted twice").isZero();
        posts.forEach((seq, n) -> assertThat(n.get()).as("POSTs of seq %d", seq).isEqualTo(seq % 10 == 0 ? 2 : 1));
        assertThat(problems).isEmpty();
    }

    // ---------------------------------------------------------------- 6. FIFO

    @Test
    public void fifoQueueKeepsPerPartitionKeyOrderAcrossThePath() throws Exception {
        String stream = createStream("e2e-fifo", 2);
        String queue = createQueue("e2e-fifo.fifo", Map.of(QueueAttributeName.FIFO_QUEUE, "true"));
        createPipe("e2e-fifo", stack.streamArn(stream), queue,
                PipeSourceParameters.builder().kinesisStreamParameters(k -> k.startingPosition(KinesisStreamStartPosition.TRIM_HORIZON).batchSize(10)).build(),
                PipeTargetParameters.builder().sqsQueueParameters(s -> s.messageGroupId("$.partitionKey").messageDeduplicationId("$.eventID")).build());

        String runId = "fifo-" + stack.label();
        Deliveries got = new Deliveries(runId);
        Map<String, List<Long>> processedPerKey = new ConcurrentHashMap<>();
        List<String> problems = new CopyOnWriteArrayList<>();
        Router router = Router.builder().on(PipesKinesisRecord.class, record -> {
            SampleEvent event = SampleEvent.parse(record.data().text());
            if (!record.queueMessage().messageGroupId().orElse("").equals(event.key())) problems.add("group " + record.queueMessage().messageGroupId());
            processedPerKey.computeIfAbsent(event.key(), k -> new CopyOnWriteArrayList<>()).add(event.seq());
            got.record(event);
        }).build();

        // concurrency 1: the producer's puts for one key land in the shard in seq order
        RecordingTarget<?> produced = RecordingTarget.of(Targets.kinesis(stack.kinesis(), stream));
        try (Worker worker = startWorker(queue, router)) {
            RunSummary sent = Producer.run(plan(Scenario.CLICKSTREAM, runId).withKeys(KeySpace.uniform(8)).withConcurrency(1), produced);
            assertThat(sent.allDelivered()).as(sent.toText()).isTrue();
            awaitProcessed(got, (int) sent.sent(), queue);
            DeliveryAudit.Report report = got.report(sent.sent());
            logReport("kinesis→pipe→fifo sqs", sent.sent(), sent.sent(), report);
            assertThat(report.missing()).isZero();
            assertThat(report.duplicates()).isZero();
        }
        Map<String, List<Long>> producedPerKey = produced.acknowledged().stream()
                .collect(Collectors.groupingBy(SampleEvent::key, Collectors.mapping(SampleEvent::seq, Collectors.toList())));
        assertThat(producedPerKey).hasSizeGreaterThan(1);
        assertThat(processedPerKey).isEqualTo(producedPerKey); // same events per key, in the same (increasing) order
        assertThat(problems).isEmpty();
    }

    // ---------------------------------------------------------------- plumbing

    /** One line per path: what was produced, what had to arrive, what the worker processed, duplicates and latency. */
    void logReport(String path, long produced, long expected, DeliveryAudit.Report report) {
        log.info("{} {}: produced {}, expected {}, processed {} ({} distinct), duplicates {}, latency p50 {} ms, p99 {} ms",
                stack.label(), path, produced, expected, report.received(), report.unique(), report.duplicates(),
                report.latencyP50().toMillis(), report.latencyP99().toMillis());
    }

    TrafficPlan plan(Scenario scenario, String runId) {
        return TrafficPlan.of(scenario).withCount(EVENTS).withRate(0).withSeed(42).withRunId(runId).withConcurrency(2);
    }

    WorkerOptions.Builder options(String queueUrl) {
        return WorkerOptions.builder(queueUrl).waitTime(Duration.ofSeconds(1)).shutdownBudget(Duration.ofSeconds(5));
    }

    Worker startWorker(String queueUrl, MessageHandler handler) {
        return Worker.start(stack.workerSqs(), options(queueUrl).build(), handler);
    }

    String createStream(String name, int shards) {
        stack.kinesis().createStream(b -> b.streamName(name).shardCount(shards));
        await().atMost(Duration.ofSeconds(30)).until(() ->
                stack.kinesis().describeStreamSummary(b -> b.streamName(name)).streamDescriptionSummary().streamStatus() == StreamStatus.ACTIVE);
        return name;
    }

    String createQueue(String name, Map<QueueAttributeName, String> attributes) {
        return stack.sqs().createQueue(b -> b.queueName(name).attributes(attributes)).queueUrl();
    }

    String queueArn(String queueUrl) {
        return stack.sqs().getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
    }

    void createPipe(String name, String source, String queueUrl, PipeSourceParameters sourceParameters, PipeTargetParameters targetParameters) {
        stack.pipes().createPipe(b -> b.name(name).source(source).target(queueArn(queueUrl)).roleArn(ROLE)
                .sourceParameters(sourceParameters).targetParameters(targetParameters));
        await().atMost(Duration.ofSeconds(30)).until(() -> stack.pipes().describePipe(b -> b.name(name)).currentState() == PipeState.RUNNING);
    }

    /** Until the pipe has either delivered or filtered out every record of its source. */
    void awaitPipeRead(String pipe, long records) {
        await().atMost(DELIVERY).until(() -> {
            var m = stack.pipeMetrics(pipe);
            return m.delivered() + m.filtered() >= records;
        });
    }

    /** Until {@code count} distinct events were processed and the queue holds nothing, and it stays so for a moment. */
    void awaitProcessed(Deliveries got, int count, String queueUrl) {
        await().atMost(DELIVERY).during(Duration.ofMillis(500)).until(() -> got.unique() == count && held(queueUrl) == 0);
    }

    int held(String queueUrl) {
        return stack.sqs().getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes().values().stream().mapToInt(Integer::parseInt).sum();
    }

    static Set<Long> seqs(RecordingTarget<?> produced, Predicate<SampleEvent> which) {
        return produced.acknowledged().stream().filter(which).map(SampleEvent::seq).collect(Collectors.toSet());
    }

    /** A DynamoDB image written by {@code Targets.dynamoDb*} back into the event (the item has every field but {@code schema}). */
    static SampleEvent fromImage(Map<String, Object> image) {
        ObjectNode node = JSON.valueToTree(image);
        node.put("schema", SampleEvent.SCHEMA);
        return SampleEvent.fromJsonNode(node);
    }
}
