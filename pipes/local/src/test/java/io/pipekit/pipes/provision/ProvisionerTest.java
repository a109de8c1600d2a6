package io.pipekit.pipes.provision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pipekit.local.EmbeddedSqs;
import io.pipekit.pipes.provision.Change.Action;
import io.pipekit.pipes.spec.SpecLoader;
import io.pipekit.pipes.spec.SubscriptionSpec;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.builder.SdkClientBuilder;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.Target;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.pipes.PipesClient;
import software.amazon.awssdk.services.pipes.model.DescribePipeResponse;
import software.amazon.awssdk.services.pipes.model.NotFoundException;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.Subscription;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * plan / apply / destroy through the real SDK clients against real protocol servers: ElasticMQ for
 * SQS, and for Pipes, EventBridge, IAM and SNS the endpoint in {@code PIPEKIT_TEST_AWS_ENDPOINT}
 * (with {@code PIPEKIT_TEST_SQS_ENDPOINT}; e.g. the local runtime's facade) or, until that lands,
 * {@link AwsApiDouble}, which also passes SQS through to ElasticMQ adding the queue Policy attribute
 * ElasticMQ does not keep. Every assertion reads state back through the SDK, so it holds against any
 * endpoint.
 */
class ProvisionerTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static EmbeddedSqs sqsServer;
    static AwsApiDouble api;
    static AwsClients aws;
    static SqsClient sqs;

    static final String SPEC = """
            version: 1
            name: prov
            queue:
              name: prov-work
              create: true
              visibilityTimeout: 2m
              deadLetterTries: 3
            subscriptions:
              kinesis:
                - name: orders
                  streamArn: arn:aws:kinesis:us-east-1:000000000000:stream/orders
                  startingPosition: LATEST
                  batchSize: 10
                  window: 1s
                  retries: 10
                  deadLetterQueue: true
                  filters:
                    - data: {type: [{prefix: "order."}]}
                  inputTemplate: '{"data":<$.data>}'
              sqs:
                - name: jobs
                  queue: prov-legacy-jobs
                  batchSize: 5
              rules:
                - name: order-created
                  pattern: {source: [shop], detail-type: [OrderCreated]}
                  retries: 20
                  deadLetterQueue: true
                - name: shipped
                  bus: logistics
                  pattern: {source: [warehouse]}
                  inputPath: $.detail
              sns:
                - name: billing
                  topicArn: arn:aws:sns:us-east-1:000000000000:billing
                  rawMessageDelivery: true
            """;

    @BeforeAll
    static void start() throws Exception {
        sqsServer = EmbeddedSqs.start();
        String external = System.getenv("PIPEKIT_TEST_AWS_ENDPOINT");
        URI endpoint;
        if (external == null) {
            api = AwsApiDouble.start(sqsServer.endpoint());
            endpoint = api.endpoint();
            sqs = local(SqsClient.builder(), endpoint);
        } else {
            endpoint = URI.create(external);
            sqs = local(SqsClient.builder(), URI.create(System.getenv().getOrDefault("PIPEKIT_TEST_SQS_ENDPOINT", sqsServer.endpoint().toString())));
        }
        aws = new AwsClients(local(PipesClient.builder(), endpoint), local(EventBridgeClient.builder(), endpoint), sqs,
                local(IamClient.builder(), endpoint), null, null, local(SnsClient.builder(), endpoint));
        sqsServer.createQueue("prov-legacy-jobs", Map.of());
    }

    @SuppressWarnings("unchecked")
    static <C> C local(SdkClientBuilder<?, C> builder, URI endpoint) {
        builder.endpointOverride(endpoint);
        var b = (software.amazon.awssdk.awscore.client.builder.AwsClientBuilder<?, C>) builder;
        b.region(Region.US_EAST_1).credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")));
        return builder.build();
    }

    @AfterEach
    void cleanUp() {
        provisioner().destroy(spec(SPEC));
    }

    @AfterAll
    static void stop() {
        aws.close();
        if (api != null) {
            api.close();
        }
        sqsServer.close();
    }

    static Provisioner provisioner() {
        return new Provisioner(aws, new ProvisionOptions(Duration.ofSeconds(20), Duration.ofMillis(10)));
    }

    static SubscriptionSpec spec(String yaml) {
        return SpecLoader.parse(yaml, "prov.yml");
    }

    @Test
    void planListsEverythingToCreateInDependencyOrder() {
        Plan plan = provisioner().plan(spec(SPEC));

        assertThat(plan.changes()).extracting(c -> c.action() + " " + c.kind() + " " + c.name()).containsExactly(
                "CREATE queue prov-work",
                "CREATE dead-letter-queue pipekit-prov-orders-dlq",
                "CREATE dead-letter-queue pipekit-prov-order-created-dlq",
                "CREATE role pipekit-prov-orders",
                "CREATE role pipekit-prov-jobs",
                "CREATE pipe pipekit-prov-orders",
                "CREATE pipe pipekit-prov-jobs",
                "CREATE queue-policy prov-work",
                "CREATE rule pipekit-prov-order-created",
                "CREATE rule pipekit-prov-shipped",
                "CREATE topic-subscription arn:aws:sns:us-east-1:000000000000:billing");
        assertThat(sqs.listQueues(b -> b.queueNamePrefix("prov-work")).queueUrls()).as("plan only reads").isEmpty();
    }

    @Test
    void applyCreatesEverythingAndASecondApplyChangesNothing() throws Exception {
        Plan first = provisioner().apply(spec(SPEC));

        assertThat(first.count(Action.CREATE)).isEqualTo(11);
        // worker queue with its DLQ
        String queueUrl = sqs.getQueueUrl(b -> b.queueName("prov-work")).queueUrl();
        Map<String, String> attrs = QueueReconciler.attributes(sqs, queueUrl);
        String queueArn = attrs.get("QueueArn");
        assertThat(attrs).containsEntry("VisibilityTimeout", "120");
        assertThat(JSON.readTree(attrs.get("RedrivePolicy")).get("maxReceiveCount").asInt()).isEqualTo(3);
        // pipes are RUNNING with what the spec says
        DescribePipeResponse orders = aws.pipes().describePipe(b -> b.name("pipekit-prov-orders"));
        assertThat(orders.currentStateAsString()).isEqualTo("RUNNING");
        assertThat(orders.target()).isEqualTo(queueArn);
        assertThat(orders.roleArn()).isEqualTo("arn:aws:iam::000000000000:role/pipekit/prov/pipekit-prov-orders");
        assertThat(orders.sourceParameters().kinesisStreamParameters().batchSize()).isEqualTo(10);
        assertThat(orders.sourceParameters().kinesisStreamParameters().deadLetterConfig().arn())
                .isEqualTo("arn:aws:sqs:us-east-1:000000000000:pipekit-prov-orders-dlq");
        assertThat(orders.sourceParameters().filterCriteria().filters().getFirst().pattern()).isEqualTo("{\"data\":{\"type\":[{\"prefix\":\"order.\"}]}}");
        assertThat(orders.targetParameters().inputTemplate()).isEqualTo("{\"data\":<$.data>}");
        assertThat(orders.tags()).containsEntry("pipekit:spec", "prov").containsEntry("pipekit:subscription", "orders");
        assertThat(aws.pipes().describePipe(b -> b.name("pipekit-prov-jobs")).source())
                .isEqualTo("arn:aws:sqs:us-east-1:000000000000:prov-legacy-jobs");
        if (api != null) {
            // apply waited through the asynchronous CREATING state (docs/aws-behaviour.md §1.10)
            assertThat(api.observedStates).contains("pipekit-prov-orders:CREATING");
        }
        // the pipe role may read exactly its source and send to the worker queue and its DLQ
        JsonNode policy = JSON.readTree(URLDecoder.decode(aws.iam().getRolePolicy(b -> b.roleName("pipekit-prov-orders").policyName("pipe"))
                .policyDocument(), StandardCharsets.UTF_8));
        assertThat(policy.get("Statement").get(0).get("Resource").asText()).isEqualTo("arn:aws:kinesis:us-east-1:000000000000:stream/orders");
        assertThat(policy.get("Statement").get(1).get("Resource")).extracting(JsonNode::asText)
                .containsExactly(queueArn, "arn:aws:sqs:us-east-1:000000000000:pipekit-prov-orders-dlq");
        // rules target the queue; the queue policy admits exactly those rules and the topic
        Target target = aws.events().listTargetsByRule(b -> b.rule("pipekit-prov-order-created")).targets().getFirst();
        assertThat(target.arn()).isEqualTo(queueArn);
        assertThat(target.retryPolicy().maximumRetryAttempts()).isEqualTo(20);
        assertThat(target.deadLetterConfig().arn()).isEqualTo("arn:aws:sqs:us-east-1:000000000000:pipekit-prov-order-created-dlq");
        assertThat(aws.events().listTargetsByRule(b -> b.rule("pipekit-prov-shipped").eventBusName("logistics")).targets().getFirst().inputPath())
                .isEqualTo("$.detail");
        if (keepsPolicies(queueUrl)) {
            JsonNode queuePolicy = JSON.readTree(QueueReconciler.attributes(sqs, queueUrl).get("Policy"));
            assertThat(queuePolicy.get("Statement")).extracting(s -> s.get("Condition").get("ArnEquals").get("aws:SourceArn").asText())
                    .containsExactly("arn:aws:events:us-east-1:000000000000:rule/pipekit-prov-order-created",
                            "arn:aws:events:us-east-1:000000000000:rule/logistics/pipekit-prov-shipped",
                            "arn:aws:sns:us-east-1:000000000000:billing");
            // the rule's DLQ admits that rule
            String ruleDlq = sqs.getQueueUrl(b -> b.queueName("pipekit-prov-order-created-dlq")).queueUrl();
            assertThat(QueueReconciler.attributes(sqs, ruleDlq).get("Policy")).contains("rule/pipekit-prov-order-created");
        }
        Subscription sub = aws.sns().listSubscriptionsByTopic(b -> b.topicArn("arn:aws:sns:us-east-1:000000000000:billing")).subscriptions().getFirst();
        assertThat(sub.endpoint()).isEqualTo(queueArn);
        assertThat(aws.sns().getSubscriptionAttributes(b -> b.subscriptionArn(sub.subscriptionArn())).attributes())
                .containsEntry("RawMessageDelivery", "true");

        Plan again = provisioner().plan(spec(SPEC));
        Plan secondApply = provisioner().apply(spec(SPEC));

        assertThat(again.hasChanges()).as(again.describe()).isFalse();
        assertThat(again.unchanged()).isEqualTo(11);
        assertThat(secondApply.changes()).isEmpty();
    }

    @Test
    void changedSpecUpdatesInPlaceReplacesImmutableFieldsAndDeletesWhatWasRemoved() {
        provisioner().apply(spec(SPEC));
        String changed = SPEC
                .replace("batchSize: 5", "batchSize: 8")                     // SQS pipe: update in place
                .replace("startingPosition: LATEST", "startingPosition: TRIM_HORIZON") // Kinesis: immutable -> replace
                .replace("""
                            - name: shipped
                              bus: logistics
                              pattern: {source: [warehouse]}
                              inputPath: $.detail
                        """, "")                                            // rule removed
                .replace("retries: 20", "retries: 30");                     // rule target: update

        Plan plan = provisioner().plan(spec(changed));
        assertThat(plan.changes()).extracting(c -> c.action() + " " + c.kind() + " " + c.name()).containsExactly(
                "REPLACE pipe pipekit-prov-orders",
                "UPDATE pipe pipekit-prov-jobs",
                "DELETE rule pipekit-prov-shipped",
                "UPDATE queue-policy prov-work",
                "UPDATE rule pipekit-prov-order-created");
        assertThat(plan.changes().get(1).details()).containsExactly("SourceParameters.SqsQueueParameters.BatchSize: 5 -> 8");

        provisioner().apply(spec(changed));

        assertThat(aws.pipes().describePipe(b -> b.name("pipekit-prov-orders")).sourceParameters().kinesisStreamParameters()
                .startingPositionAsString()).isEqualTo("TRIM_HORIZON");
        assertThat(aws.pipes().describePipe(b -> b.name("pipekit-prov-jobs")).sourceParameters().sqsQueueParameters().batchSize()).isEqualTo(8);
        assertThat(aws.events().listRules(b -> b.eventBusName("logistics").namePrefix("pipekit-prov-")).rules()).isEmpty();
        assertThat(provisioner().plan(spec(changed)).hasChanges()).isFalse();
    }

    @Test
    void destroyRemovesExactlyWhatApplyMadeAndLeavesOthersAlone() {
        // a queue that pipekit did not create, with a foreign policy statement, and a foreign rule
        String foreignQueue = sqsServer.createQueue("prov-shared", Map.of());
        String foreignStatement = "{\"Sid\":\"SomeoneElse\",\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"s3.amazonaws.com\"},"
                + "\"Action\":\"sqs:SendMessage\",\"Resource\":\"arn:aws:sqs:us-east-1:000000000000:prov-shared\"}";
        sqs.setQueueAttributes(b -> b.queueUrl(foreignQueue).attributesWithStrings(Map.of("Policy",
                "{\"Version\":\"2012-10-17\",\"Statement\":[" + foreignStatement + "]}")));
        aws.events().putRule(b -> b.name("pipekit-prov-handmade").eventPattern("{\"source\":[\"x\"]}"));
        String shared = SPEC.replace("name: prov-work\n  create: true", "name: prov-shared");
        org.junit.jupiter.api.Assumptions.assumeTrue(keepsPolicies(foreignQueue), "this SQS endpoint does not keep queue policies");
        provisioner().apply(spec(shared));
        assertThat(QueueReconciler.attributes(sqs, foreignQueue).get("Policy")).contains("SomeoneElse", "PipekitProvRuleOrderCreated");

        Plan destroyed = provisioner().destroy(spec(shared));

        assertThat(destroyed.changes()).extracting(c -> c.action()).containsOnly(Action.DELETE);
        assertThat(aws.pipes().listPipes(b -> b.namePrefix("pipekit-prov-")).pipes()).isEmpty();
        assertThatThrownBy(() -> aws.pipes().describePipe(b -> b.name("pipekit-prov-orders"))).isInstanceOf(NotFoundException.class);
        assertThat(aws.iam().listRoles(b -> b.pathPrefix("/pipekit/prov/")).roles()).isEmpty();
        assertThat(aws.events().listRules(b -> b.namePrefix("pipekit-prov-")).rules()).extracting(r -> r.name())
                .containsExactly("pipekit-prov-handmade");
        assertThat(aws.sns().listSubscriptionsByTopic(b -> b.topicArn("arn:aws:sns:us-east-1:000000000000:billing")).subscriptions()).isEmpty();
        assertThat(sqs.listQueues(b -> b.queueNamePrefix("pipekit-prov-")).queueUrls()).isEmpty();
        // the shared queue stays, with only the foreign statement left in its policy
        JsonNode policy = SdkDiff.tree(QueueReconciler.attributes(sqs, foreignQueue).get("Policy"));
        assertThat(policy.get("Statement")).extracting(s -> s.get("Sid").asText()).containsExactly("SomeoneElse");
        assertThat(provisioner().planDestroy(spec(shared)).hasChanges()).isFalse();
        aws.events().deleteRule(b -> b.name("pipekit-prov-handmade"));
    }

    @Test
    void aPipeThatFailsReportsItsStateReason() {
        org.junit.jupiter.api.Assumptions.assumeTrue(api != null, "the double fails pipes whose source says 'broken'");
        String broken = SPEC.replace("stream/orders", "stream/broken-orders");

        assertThatThrownBy(() -> provisioner().apply(spec(broken)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("pipekit-prov-orders is CREATE_FAILED");
        // the next plan proposes to replace the failed pipe
        Plan plan = provisioner().plan(spec(broken));
        assertThat(plan.changes()).filteredOn(c -> c.kind().equals("pipe") && c.name().equals("pipekit-prov-orders"))
                .singleElement().satisfies(c -> assertThat(c.action()).isEqualTo(Action.REPLACE));
    }

    @Test
    void withoutIamPipesGetTheRoleArnPipekitWouldHaveMade() {
        AwsClients noIam = new AwsClients(aws.pipes(), aws.events(), sqs, null, null, null, aws.sns());
        Plan done = new Provisioner(noIam, new ProvisionOptions(Duration.ofSeconds(20), Duration.ofMillis(10))).apply(spec(SPEC));

        assertThat(done.changes()).noneMatch(c -> c.kind().equals("role"));
        assertThat(done.notes()).anySatisfy(n -> assertThat(n).contains("IAM skipped"));
        assertThat(aws.pipes().describePipe(b -> b.name("pipekit-prov-orders")).roleArn())
                .isEqualTo("arn:aws:iam::000000000000:role/pipekit/prov/pipekit-prov-orders");
        assertThat(aws.iam().listRoles(b -> b.pathPrefix("/pipekit/prov/")).roles()).isEmpty();
    }

    @Test
    void onBareElasticMqWhichDropsQueuePoliciesASecondApplyIsStillANoOp() {
        org.junit.jupiter.api.Assumptions.assumeTrue(api != null, "needs the embedded ElasticMQ");
        try (SqsClient bare = sqsServer.newClient()) {
            AwsClients direct = new AwsClients(aws.pipes(), aws.events(), bare, aws.iam(), null, null, aws.sns());
            Provisioner p = new Provisioner(direct, new ProvisionOptions(Duration.ofSeconds(20), Duration.ofMillis(10)));
            String local = SPEC.replace("prov-work", "prov-bare");

            p.apply(spec(local));
            Plan again = p.plan(spec(local));
            Plan second = p.apply(spec(local));

            assertThat(again.hasChanges()).as(again.describe()).isFalse();
            assertThat(again.notes()).anySatisfy(n -> assertThat(n).contains("does not keep queue policies"));
            assertThat(second.changes()).isEmpty();
            String url = bare.getQueueUrl(b -> b.queueName("prov-bare")).queueUrl();
            assertThat(bare.listQueueTags(b -> b.queueUrl(url)).tags()).containsEntry(QueueReconciler.UNSUPPORTED_TAG, "Policy SqsManagedSseEnabled");
            p.destroy(spec(local));
            assertThat(bare.listQueues(b -> b.queueNamePrefix("prov-bare")).queueUrls()).isEmpty();
        }
    }

    @Test
    void tableSourcesAreResolvedToTheirStreamArnThroughDynamoDb() {
        com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal ddb =
                com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded.create(true);
        try (var dynamodb = ddb.dynamoDbClient()) {
            for (String table : List.of("payments", "refunds")) {
                dynamodb.createTable(b -> b.tableName(table)
                        .keySchema(k -> k.attributeName("id").keyType("HASH"))
                        .attributeDefinitions(a -> a.attributeName("id").attributeType("S"))
                        .billingMode("PAY_PER_REQUEST")
                        .streamSpecification(st -> st.streamEnabled(table.equals("payments")).streamViewType(table.equals("payments") ? "NEW_AND_OLD_IMAGES" : null)));
            }
            AwsClients withDdb = new AwsClients(aws.pipes(), aws.events(), sqs, aws.iam(), null, dynamodb, aws.sns());
            Provisioner p = new Provisioner(withDdb, new ProvisionOptions(Duration.ofSeconds(20), Duration.ofMillis(10)));
            String ddbSpec = """
                    version: 1
                    name: prov
                    queue: {name: prov-ddb, create: true}
                    subscriptions:
                      dynamodb:
                        - name: payments
                          table: payments
                          startingPosition: TRIM_HORIZON
                          filters:
                            - eventName: [INSERT, MODIFY]
                    """;

            p.apply(spec(ddbSpec));

            String streamArn = dynamodb.describeTable(b -> b.tableName("payments")).table().latestStreamArn();
            assertThat(streamArn).contains(":table/payments/stream/");
            assertThat(aws.pipes().describePipe(b -> b.name("pipekit-prov-payments")).source()).isEqualTo(streamArn);
            JsonNode policy = SdkDiff.tree(URLDecoder.decode(aws.iam().getRolePolicy(b -> b.roleName("pipekit-prov-payments").policyName("pipe"))
                    .policyDocument(), StandardCharsets.UTF_8));
            assertThat(policy.get("Statement").get(0).get("Resource").asText()).isEqualTo(streamArn);
            assertThat(policy.get("Statement").get(0).get("Action")).extracting(JsonNode::asText)
                    .containsExactly("dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams");
            assertThatThrownBy(() -> p.plan(spec(ddbSpec.replace("table: payments", "table: refunds"))))
                    .hasMessageContaining("table 'refunds' has no stream");
            p.destroy(spec(ddbSpec));
        } finally {
            ddb.shutdown();
        }
    }

    @Test
    void aMissingWorkerQueueThatPipekitMayNotCreateIsAnError() {
        String external = SPEC.replace("name: prov-work\n  create: true", "name: prov-nowhere");

        assertThatThrownBy(() -> provisioner().plan(spec(external)))
                .hasMessageContaining("worker queue 'prov-nowhere' does not exist");
    }

    /** ElasticMQ accepts but drops the Policy attribute; the double keeps it (see AwsApiDouble). */
    static boolean keepsPolicies(String queueUrl) {
        sqs.setQueueAttributes(b -> b.queueUrl(queueUrl).attributesWithStrings(Map.of("Policy",
                QueueReconciler.attributes(sqs, queueUrl).getOrDefault("Policy", "{\"Version\":\"2012-10-17\",\"Statement\":[]}"))));
        return QueueReconciler.attributes(sqs, queueUrl).containsKey("Policy");
    }
}
