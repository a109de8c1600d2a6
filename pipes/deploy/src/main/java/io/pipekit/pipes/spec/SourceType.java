package io.pipekit.pipes.spec;

/** Pipe source kinds pipekit declares; the YAML key under {@code subscriptions:} in brackets. */
public enum SourceType {
    /** {@code kinesis}: a Kinesis data stream. */
    KINESIS("kinesis"),
    /** {@code dynamodb}: a DynamoDB table's stream. */
    DYNAMODB("dynamodb"),
    /** {@code sqs}: another SQS queue. */
    SQS("sqs");

    private final String key;

    SourceType(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }
}
