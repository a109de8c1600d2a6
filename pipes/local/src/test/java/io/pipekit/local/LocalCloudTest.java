package io.pipekit.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.net.URI;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;
import software.amazon.awssdk.services.sqs.SqsClient;

class LocalCloudTest {

    @Test
    void startsEveryServiceOnLoopbackAndStopsThemAll() throws Exception {
        URI kinesisEndpoint;
        try (LocalCloud cloud = LocalCloud.startAll()) {
            assertThat(cloud.services()).containsExactlyInAnyOrder(LocalService.values());
            Map<String, String> env = cloud.environment();
            assertThat(env).containsKeys("AWS_ENDPOINT_URL_SQS", "AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL_DYNAMODB_STREAMS",
                    "AWS_ENDPOINT_URL_KINESIS", "AWS_ENDPOINT_URL_PIPES", "AWS_ENDPOINT_URL_EVENTBRIDGE", "AWS_REGION");
            env.entrySet().stream().filter(e -> e.getKey().startsWith("AWS_ENDPOINT_URL_"))
                    .forEach(e -> assertThat(e.getValue()).startsWith("http://127.0.0.1:"));
            assertThat(cloud.startupTime()).isPositive();

            try (SqsClient sqs = cloud.sqsClient()) {
                String url = cloud.sqs().createQueue("smoke", Map.of());
                sqs.sendMessage(b -> b.queueUrl(url).messageBody("hello"));
                assertThat(sqs.receiveMessage(b -> b.queueUrl(url).waitTimeSeconds(1)).messages())
                        .extracting(m -> m.body()).containsExactly("hello");
            }
            try (DynamoDbClient ddb = cloud.dynamoDbClient(); DynamoDbStreamsClient streams = cloud.dynamoDbStreamsClient()) {
                String streamArn = ddb.createTable(b -> b.tableName("smoke-table")
                        .attributeDefinitions(a -> a.attributeName("id").attributeType(ScalarAttributeType.S))
                        .keySchema(k -> k.attributeName("id").keyType(KeyType.HASH))
                        .billingMode("PAY_PER_REQUEST")
                        .streamSpecification(s -> s.streamEnabled(true).streamViewType(StreamViewType.NEW_AND_OLD_IMAGES)))
                        .tableDescription().latestStreamArn();
                ddb.putItem(b -> b.tableName("smoke-table").item(Map.of("id", AttributeValue.fromS("1"))));
                String shard = streams.describeStream(b -> b.streamArn(streamArn)).streamDescription().shards().getFirst().shardId();
                String iterator = streams.getShardIterator(b -> b.streamArn(streamArn).shardId(shard).shardIteratorType("TRIM_HORIZON")).shardIterator();
                assertThat(streams.getRecords(b -> b.shardIterator(iterator)).records())
                        .extracting(r -> r.eventNameAsString()).containsExactly("INSERT");
            }
            kinesisEndpoint = cloud.endpoint(LocalService.KINESIS);
            try (KinesisClient kinesis = cloud.kinesisClient()) {
                assertThat(roundTrip(kinesis, "smoke-stream")).isEqualTo("payload");
            }
        }
        assertThat(accepts(kinesisEndpoint.getPort())).as("kinesis-mock child stopped").isFalse();
    }

    @Test
    void kinesaliteIsTheFastAlternativeBehindOneSwitch() throws Exception {
        try (LocalCloud cloud = LocalCloud.builder().withKinesis(KinesisBackend.KINESALITE).start();
                KinesisClient kinesis = cloud.kinesisClient()) {
            assertThat(cloud.services()).containsExactly(LocalService.KINESIS);
            assertThat(cloud.kinesis().backend()).isEqualTo(KinesisBackend.KINESALITE);
            assertThat(cloud.environment()).containsEntry("CBOR_ENABLED", "false");
            assertThat(roundTrip(kinesis, "fast-stream")).isEqualTo("payload");
        }
    }

    @Test
    void theNodeChildDiesWithItsJvmEvenOnKillNine() throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process jvm = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"), HoldLocalCloud.class.getName(), "kinesalite")
                .redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            do {
                line = out.readLine();
            } while (line != null && !line.startsWith("READY "));
            assertThat(line).as("helper JVM output").isNotNull();
            List<ProcessHandle> children = jvm.toHandle().children().filter(p -> p.info().command().orElse("").contains("node")).toList();
            assertThat(children).hasSize(1);
            jvm.destroyForcibly(); // SIGKILL: no shutdown hook runs
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> !children.getFirst().isAlive());
        } finally {
            jvm.destroyForcibly();
        }
    }

    @Test
    void missingNodeFailsFastNamingTheFix() {
        System.setProperty(NodePackages.NODE_PROPERTY, "/nonexistent/node");
        try {
            assertThatThrownBy(() -> EmbeddedKinesis.start(KinesisBackend.KINESIS_MOCK))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("Node.js")
                    .hasMessageContaining("-D" + NodePackages.NODE_PROPERTY);
        } finally {
            System.clearProperty(NodePackages.NODE_PROPERTY);
        }
    }

    @Test
    void missingPackageFailsFastNamingTheFix() {
        assertThatThrownBy(() -> NodePackages.locate("no-such-emulator"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("npm install --prefix")
                .hasMessageContaining(NodePackages.DIR_PROPERTY);
    }

    private static String roundTrip(KinesisClient kinesis, String stream) {
        kinesis.createStream(b -> b.streamName(stream).shardCount(1));
        org.awaitility.Awaitility.await().until(() ->
                kinesis.describeStreamSummary(b -> b.streamName(stream)).streamDescriptionSummary().streamStatus() == StreamStatus.ACTIVE);
        kinesis.putRecord(b -> b.streamName(stream).partitionKey("k").data(SdkBytes.fromUtf8String("payload")));
        String shard = kinesis.listShards(b -> b.streamName(stream)).shards().getFirst().shardId();
        String iterator = kinesis.getShardIterator(b -> b.streamName(stream).shardId(shard).shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
        List<Record> records = kinesis.getRecords(b -> b.shardIterator(iterator)).records();
        return records.getFirst().data().asString(StandardCharsets.UTF_8);
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
