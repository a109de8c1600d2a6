package io.pipekit.pipes.runtime;

/** The pipe sources this runtime polls, recognised from the source ARN. */
enum SourceKind {
    KINESIS("KinesisStreamParameters", "data", "KinesisBatchInfo"),
    DYNAMODB("DynamoDBStreamParameters", "dynamodb", "DDBStreamBatchInfo"),
    SQS("SqsQueueParameters", "body", null);

    /** The member of {@code SourceParameters} that configures this source. */
    final String parametersMember;
    /** The record field Pipes parses implicitly for filters and templates (docs/aws-behaviour.md §1.4, §1.6). */
    final String dataField;
    /** The key of the DLQ metadata object (docs/aws-behaviour.md §1.9); SQS sources have no pipe DLQ. */
    final String batchInfoKey;

    SourceKind(String parametersMember, String dataField, String batchInfoKey) {
        this.parametersMember = parametersMember;
        this.dataField = dataField;
        this.batchInfoKey = batchInfoKey;
    }

    boolean isStream() {
        return this != SQS;
    }

    static SourceKind of(String arn) {
        if (arn != null && arn.startsWith("arn:")) {
            String[] parts = arn.split(":", 6);
            if (parts.length == 6) {
                switch (parts[2]) {
                    case "kinesis":
                        if (parts[5].startsWith("stream/")) {
                            return KINESIS;
                        }
                        break;
                    case "dynamodb":
                        if (parts[5].contains("/stream/")) {
                            return DYNAMODB;
                        }
                        break;
                    case "sqs":
                        return SQS;
                    default:
                        break;
                }
            }
        }
        throw PipesApiException.validation("Source " + arn + " is not supported by the local Pipes runtime: use a Kinesis stream ARN, a DynamoDB stream ARN or an SQS queue ARN.");
    }
}
