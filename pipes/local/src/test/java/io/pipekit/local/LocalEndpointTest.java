package io.pipekit.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;
import software.amazon.awssdk.services.pipes.PipesClient;
import software.amazon.awssdk.services.pipes.model.PipeState;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/** Every service through the one port, with ordinary SDK clients whose only setting is that port. */
class LocalEndpointTest {

    private static LocalCloud cloud;

    @BeforeAll
    static void start() {
        cloud = LocalCloud.builder().withAll().withEndpoint(0).start();
    }

    @AfterAll
    static void stop() {
        cloud.close();
    }

    @Test
    void theEnvironmentIsOneEndpointVariable() {
        assertThat(cloud.environment()).containsEntry("AWS_ENDPOINT_URL", cloud.endpoint().toString())
                .containsEntry("AWS_REGION", "us-east-1").containsEntry("AWS_DEFAULT_REGION", "us-east-1")
                .doesNotContainKeys("AWS_ENDPOINT_URL_SQS", "AWS_ENDPOINT_URL_KINESIS");
        assertThat(cloud.endpoint().toString()).startsWith("http://localhost:");
        // the per-service ports stay available
        assertThat(cloud.endpoint(LocalService.SQS).getPort()).isNotEqualTo(cloud.endpoint().getPort());
    }

    @Test
    void sqsQueueUrlsNameTheSingleEndpoint() {
        try (SqsClient sqs = client(SqsClient.builder())) {
            String url = sqs.createQueue(b -> b.queueName("one-endpoint")).queueUrl();
            assertThat(url).isEqualTo(cloud.endpoint() + "/000000000000/one-endpoint");
            sqs.sendMessage(b -> b.queueUrl(url).messageBody("hello"));
            assertThat(sqs.receiveMessage(b -> b.queueUrl(url).waitTimeSeconds(2)).messages()).extracting(Message::body).containsExactly("hello");
        }
    }

    @Test
    void theSqsQueryProtocolIsRoutedToo() throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpRequest request = HttpRequest.newBuilder(cloud.endpoint())
                    .header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
                    .header("Authorization", "AWS4-HMAC-SHA256 Credential=local/20261202/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=00")
                    .POST(HttpRequest.BodyPublishers.ofString("Action=CreateQueue&QueueName=by-query&Version=2012-11-05"))
                    .build();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).contains("<QueueUrl>" + cloud.endpoint() + "/000000000000/by-query</QueueUrl>");
        }
    }

    @Test
    void kinesisSpeaksCborThroughTheEndpoint() {
        try (KinesisClient kinesis = client(KinesisClient.builder())) {
            kinesis.createStream(b -> b.streamName("one-endpoint").shardCount(1));
            await().until(() -> kinesis.describeStreamSummary(b -> b.streamName("one-endpoint")).streamDescriptionSummary().streamStatus() == StreamStatus.ACTIVE);
            kinesis.putRecord(b -> b.streamName("one-endpoint").partitionKey("k").data(SdkBytes.fromUtf8String("payload")));
            String shard = kinesis.listShards(b -> b.streamName("one-endpoint")).shards().getFirst().shardId();
            String iterator = kinesis.getShardIterator(b -> b.streamName("one-endpoint").shardId(shard).shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
            assertThat(kinesis.getRecords(b -> b.shardIterator(iterator)).records()).extracting(r -> r.data().asUtf8String()).containsExactly("payload");
        }
    }

    @Test
    void dynamoDbAndItsStreamsShareTheEndpoint() {
        try (DynamoDbClient ddb = client(DynamoDbClient.builder()); DynamoDbStreamsClient streams = client(DynamoDbStreamsClient.builder())) {
            String streamArn = ddb.createTable(b -> b.tableName("one-endpoint")
                    .attributeDefinitions(a -> a.attributeName("id").attributeType(ScalarAttributeType.S))
                    .keySchema(k -> k.attributeName("id").keyType(KeyType.HASH)).billingMode("PAY_PER_REQUEST")
                    .streamSpecification(s -> s.streamEnabled(true).streamViewType(StreamViewType.NEW_IMAGE))).tableDescription().latestStreamArn();
            ddb.putItem(b -> b.tableName("one-endpoint").item(Map.of("id", AttributeValue.fromS("1"))));
            String shard = streams.describeStream(b -> b.streamArn(streamArn)).streamDescription().shards().getFirst().shardId();
            String iterator = streams.getShardIterator(b -> b.streamArn(streamArn).shardId(shard).shardIteratorType("TRIM_HORIZON")).shardIterator();
            assertThat(streams.getRecords(b -> b.shardIterator(iterator)).records()).extracting(r -> r.eventNameAsString()).containsExactly("INSERT");
        }
    }

    @Test
    void pipesAndRulesDeliverThroughTheEndpoint() {
        try (SqsClient sqs = client(SqsClient.builder()); KinesisClient kinesis = client(KinesisClient.builder());
                PipesClient pipes = client(PipesClient.builder()); EventBridgeClient events = client(EventBridgeClient.builder())) {
            String queue = sqs.createQueue(b -> b.queueName("routed")).queueUrl();
            String queueArn = EmbeddedSqs.queueArn("routed");
            kinesis.createStream(b -> b.streamName("routed").shardCount(1));
            await().until(() -> kinesis.describeStreamSummary(b -> b.streamName("routed")).streamDescriptionSummary().streamStatus() == StreamStatus.ACTIVE);
            pipes.createPipe(b -> b.name("routed").roleArn("arn:aws:iam::000000000000:role/pipe")
                    .source("arn:aws:kinesis:us-east-1:000000000000:stream/routed").target(queueArn)
                    .sourceParameters(p -> p.kinesisStreamParameters(k -> k.startingPosition("TRIM_HORIZON"))));
            await().until(() -> pipes.describePipe(b -> b.name("routed")).currentState() == PipeState.RUNNING);
            kinesis.putRecord(b -> b.streamName("routed").partitionKey("k").data(SdkBytes.fromUtf8String("{\"from\":\"kinesis\"}")));

            events.putRule(b -> b.name("routed").eventPattern("{\"source\":[\"test\"]}"));
            events.putTargets(b -> b.rule("routed").targets(t -> t.id("q").arn(queueArn)));
            events.putEvents(b -> b.entries(e -> e.source("test").detailType("t").detail("{\"from\":\"bus\"}")));

            List<String> bodies = new java.util.concurrent.CopyOnWriteArrayList<>();
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                for (Message m : sqs.receiveMessage(b -> b.queueUrl(queue).maxNumberOfMessages(10).waitTimeSeconds(1)).messages()) {
                    bodies.add(m.body());
                    sqs.deleteMessage(b -> b.queueUrl(queue).receiptHandle(m.receiptHandle()));
                }
                return bodies.size() >= 2;
            });
            assertThat(bodies).anySatisfy(body -> assertThat(body).contains("\"eventSource\":\"aws:kinesis\""))
                    .anySatisfy(body -> assertThat(body).contains("\"from\":\"bus\""));
        }
    }

    @Test
    void healthNamesTheRunningServices() throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(cloud.endpoint() + "/_pipekit/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).contains("\"sqs\":\"running\"", "\"kinesis\":\"running\"", "\"pipes\":\"running\"", "\"eventbridge\":\"running\"");
        }
    }

    @Test
    void aServiceItDoesNotRunGetsAnAwsShapedError() throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(cloud.endpoint())
                    .header("Authorization", "AWS4-HMAC-SHA256 Credential=local/20261202/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00")
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(400);
            assertThat(response.headers().firstValue("x-amzn-ErrorType")).contains("UnknownServiceException");
            assertThat(response.body()).contains("does not run 's3'");
        }
    }

    @Test
    void aTakenPortFailsAtOnceWithOneLine() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            long begin = System.nanoTime();
            assertThatThrownBy(() -> LocalCloud.builder().withAll().withEndpoint(taken.getLocalPort()).start())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("port " + taken.getLocalPort() + " on 127.0.0.1 is already in use (another `pipekit local` or LocalStack?):"
                            + " stop it, or pass --port <n> (0 = any free port)")
                    .satisfies(e -> assertThat(e.getStackTrace()).isEmpty());
            // no emulator was started (kinesis-mock alone takes seconds): the bind comes first
            assertThat(Duration.ofNanos(System.nanoTime() - begin)).isLessThan(Duration.ofSeconds(2));
        }
    }

    private static <B extends AwsClientBuilder<B, C>, C> C client(B builder) {
        builder.endpointOverride(cloud.endpoint()).region(software.amazon.awssdk.regions.Region.US_EAST_1)
                .credentialsProvider(LocalCredentials.PROVIDER);
        if (builder instanceof software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder<?, ?> sync) {
            sync.httpClientBuilder(ApacheHttpClient.builder().socketTimeout(Duration.ofSeconds(30)));
        }
        return builder.build();
    }
}
