package io.pipekit.demo;

import io.pipekit.local.LocalAwsClients;
import io.pipekit.local.KinesisBackend;
import io.pipekit.local.LocalCloud;
import io.pipekit.pipes.provision.AwsClients;
import io.pipekit.pipes.provision.Plan;
import io.pipekit.pipes.provision.ProvisionOptions;
import io.pipekit.pipes.provision.Provisioner;
import io.pipekit.pipes.spec.SpecLoader;
import io.pipekit.pipes.spec.SubscriptionSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The demo's world: the embedded stack, the sources the producers write to (a Kinesis stream, a
 * DynamoDB table with its stream), and the subscriptions of {@code demo/subscriptions*.yml} applied
 * by the same {@link Provisioner} that provisions AWS.
 */
final class DemoStack implements AutoCloseable {

    static final String STREAM = "demo-orders";
    static final String TABLE = "demo-payments";
    static final String TABLE_KEY = "eventId";
    static final String SPEC = "demo/subscriptions.yml";
    static final String FIFO_SPEC = "demo/subscriptions-fifo.yml";

    final LocalCloud cloud;
    final String queueUrl;
    final String fifoQueueUrl;
    final List<Plan> applied;

    private DemoStack(LocalCloud cloud, String queueUrl, String fifoQueueUrl, List<Plan> applied) {
        this.cloud = cloud;
        this.queueUrl = queueUrl;
        this.fifoQueueUrl = fifoQueueUrl;
        this.applied = applied;
    }

    static DemoStack start(KinesisBackend kinesis) {
        LocalCloud cloud = LocalCloud.builder().withSqs().withDynamoDb().withKinesis(kinesis).withPipes().withEventBridge().start();
        try {
            createSources(cloud);
            AwsClients aws = LocalAwsClients.of(cloud);
            Provisioner provisioner = new Provisioner(aws, ProvisionOptions.defaults());
            List<Plan> applied = List.of(provisioner.apply(spec(SPEC)), provisioner.apply(spec(FIFO_SPEC)));
            String queueUrl = cloud.sqsClient().getQueueUrl(b -> b.queueName("demo-worker")).queueUrl();
            String fifoQueueUrl = cloud.sqsClient().getQueueUrl(b -> b.queueName("demo-worker.fifo")).queueUrl();
            return new DemoStack(cloud, queueUrl, fifoQueueUrl, applied);
        } catch (RuntimeException e) {
            cloud.close();
            throw e;
        }
    }

    private static void createSources(LocalCloud cloud) {
        var kinesis = cloud.kinesisClient();
        kinesis.createStream(b -> b.streamName(STREAM).shardCount(2));
        while (kinesis.describeStreamSummary(b -> b.streamName(STREAM)).streamDescriptionSummary().streamStatus() != StreamStatus.ACTIVE) {
            Thread.onSpinWait(); // the emulator activates a stream within about half a second
        }
        cloud.dynamoDbClient().createTable(b -> b.tableName(TABLE)
                .attributeDefinitions(a -> a.attributeName(TABLE_KEY).attributeType(ScalarAttributeType.S))
                .keySchema(k -> k.attributeName(TABLE_KEY).keyType(KeyType.HASH))
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .streamSpecification(s -> s.streamEnabled(true).streamViewType(StreamViewType.NEW_AND_OLD_IMAGES)));
    }

    /** The specs ship as classpath resources. */
    private static SubscriptionSpec spec(String resource) {
        try (InputStream in = DemoStack.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            return SpecLoader.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), resource);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String deadLetterQueueUrl(String queueUrl) {
        String arn = cloud.sqsClient().getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.REDRIVE_POLICY))
                .attributes().getOrDefault(QueueAttributeName.REDRIVE_POLICY, "");
        String name = arn.replaceAll(".*:([^:\"]+)\".*", "$1");
        return cloud.sqsClient().getQueueUrl(b -> b.queueName(name)).queueUrl();
    }

    int depth(String url, QueueAttributeName... attributes) {
        return cloud.sqsClient().getQueueAttributes(b -> b.queueUrl(url).attributeNames(attributes)).attributes()
                .values().stream().mapToInt(Integer::parseInt).sum();
    }

    @Override
    public void close() {
        cloud.close();
    }
}
