package io.pipekit.worker.envelope;

/** What delivered a message to the queue; one constant per {@link Envelope} record. */
public enum EnvelopeKind {
    /** A Kinesis record forwarded by an EventBridge pipe ({@link PipesKinesisRecord}). */
    PIPES_KINESIS,
    /** A DynamoDB stream record forwarded by an EventBridge pipe ({@link PipesDynamoDbRecord}). */
    PIPES_DYNAMODB,
    /** An SQS message forwarded by an EventBridge pipe ({@link PipesSqsRecord}). */
    PIPES_SQS,
    /** An event delivered by an EventBridge rule ({@link EventBridgeEvent}). */
    EVENTBRIDGE,
    /** An SNS notification envelope, raw delivery off ({@link SnsNotification}). */
    SNS,
    /** An S3 event notification ({@link S3Notification}). */
    S3,
    /** The test message S3 sends when a notification is configured ({@link S3TestEvent}). */
    S3_TEST,
    /** pipekit's own pipe input template ({@link KitEnvelope}). */
    KIT,
    /** Anything else: a producer's own body, raw SNS delivery, a custom template ({@link RawMessage}). */
    RAW,
    /** A body that claims to be one of the kinds above but is malformed ({@link DecodeFailure}). */
    DECODE_FAILURE
}
