package io.pipekit.it.e2e;

import io.pipekit.pipes.runtime.PipeMetrics;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.pipes.PipesClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The AWS endpoints one end-to-end suite runs against: the embedded stack or LocalStack. Every
 * client is the unchanged AWS SDK v2 client; the stack owns and closes them.
 *
 * <p>The Pipes API is always pipekit's local Pipes runtime (LocalStack community has no Pipes,
 * docs/aws-behaviour.md §8); on LocalStack it reads LocalStack's Kinesis and DynamoDB streams and writes
 * LocalStack's SQS.
 */
public interface Stack extends AutoCloseable {

    /** The SDK clients a suite uses; the stack owns them and closes them, Pipes first. */
    record Clients(SqsClient sqs, KinesisClient kinesis, DynamoDbClient dynamoDb, EventBridgeClient eventBridge, PipesClient pipes)
            implements AutoCloseable {
        @Override
        public void close() {
            pipes.close();
            eventBridge.close();
            dynamoDb.close();
            kinesis.close();
            sqs.close();
        }
    }

    /** Shown in test names and failures. */
    String label();

    Clients clients();

    default SqsClient sqs() {
        return clients().sqs();
    }

    /** The client the suites' workers consume with (a stack may watch what the worker calls). */
    default SqsClient workerSqs() {
        return sqs();
    }

    default KinesisClient kinesis() {
        return clients().kinesis();
    }

    default DynamoDbClient dynamoDb() {
        return clients().dynamoDb();
    }

    default EventBridgeClient eventBridge() {
        return clients().eventBridge();
    }

    default PipesClient pipes() {
        return clients().pipes();
    }

    /** Counters of the local Pipes runtime for one pipe: the sync point "the pipe has read everything". */
    PipeMetrics pipeMetrics(String pipeName);

    /** The ARN of a stream, as the Pipes API takes it for {@code Source}. */
    default String streamArn(String streamName) {
        return kinesis().describeStreamSummary(b -> b.streamName(streamName)).streamDescriptionSummary().streamARN();
    }

    @Override
    void close();
}
