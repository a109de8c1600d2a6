package io.pipekit.producers;

import io.pipekit.producers.internal.targets.DynamoDbTarget;
import io.pipekit.producers.internal.targets.EventBridgeTarget;
import io.pipekit.producers.internal.targets.KinesisTarget;
import io.pipekit.producers.internal.targets.SnsTarget;
import io.pipekit.producers.internal.targets.SqsTarget;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/** The five targets. Clients stay owned by the caller: closing a target does not close its client. */
public final class Targets {

    private Targets() {}

    /** Kinesis PutRecords into a stream given by name or ARN. */
    public static Target<?> kinesis(KinesisClient client, String streamNameOrArn) {
        return new KinesisTarget(client, streamNameOrArn);
    }

    /** DynamoDB BatchWriteItem; one item per event, keyed by {@code eventId} in attribute {@code hashKey}. */
    public static Target<?> dynamoDb(DynamoDbClient client, String table, String hashKey) {
        return new DynamoDbTarget(client, table, hashKey, DynamoDbTarget.ItemKey.EVENT);
    }

    /** DynamoDB BatchWriteItem; one item per subject (order/session/device) updated in place: streams see MODIFYs. */
    public static Target<?> dynamoDbBySubject(DynamoDbClient client, String table, String hashKey) {
        return new DynamoDbTarget(client, table, hashKey, DynamoDbTarget.ItemKey.SUBJECT);
    }

    /** EventBridge PutEvents onto a bus (name or ARN); detail-type = event type, detail = event JSON. */
    public static Target<?> eventBridge(EventBridgeClient client, String bus, String source) {
        return new EventBridgeTarget(client, bus, source);
    }

    /** SQS SendMessageBatch; body = event JSON. */
    public static Target<?> sqs(SqsClient client, String queueUrl) {
        return SqsTarget.plain(client, queueUrl);
    }

    /** SNS PublishBatch through a real SNS endpoint. */
    public static Target<?> sns(SnsClient client, String topicArn) {
        return new SnsTarget(client, topicArn);
    }

    /**
     * What {@code topicArn} would deliver to a subscribed queue without raw delivery: SNS
     * notification envelopes (docs/aws-behaviour.md §3) written straight to the queue — for stacks that
     * have SQS but no SNS.
     */
    public static Target<?> snsEnvelopesToSqs(SqsClient client, String queueUrl, String topicArn) {
        return SqsTarget.snsEnveloped(client, queueUrl, topicArn);
    }
}
