package io.pipekit.local;

import java.util.List;

/** The AWS services {@link LocalCloud} can run, with the SDK's endpoint variables for each. */
public enum LocalService {
    SQS("AWS_ENDPOINT_URL_SQS"),
    /** DynamoDB Local serves tables and Streams on one port. */
    DYNAMODB("AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL_DYNAMODB_STREAMS"),
    KINESIS("AWS_ENDPOINT_URL_KINESIS"),
    /** pipekit's local Pipes runtime behind the Pipes REST API. */
    PIPES("AWS_ENDPOINT_URL_PIPES"),
    /** pipekit's local EventBridge bus behind the EventBridge JSON API. */
    EVENTBRIDGE("AWS_ENDPOINT_URL_EVENTBRIDGE");

    private final List<String> endpointVariables;

    LocalService(String... endpointVariables) {
        this.endpointVariables = List.of(endpointVariables);
    }

    /** The {@code AWS_ENDPOINT_URL_<SERVICE>} variables the SDKs read for this service. */
    public List<String> endpointVariables() {
        return endpointVariables;
    }
}
