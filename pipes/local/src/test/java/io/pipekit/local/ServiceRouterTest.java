package io.pipekit.local;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ServiceRouterTest {

    private static final String SCOPE = "AWS4-HMAC-SHA256 Credential=local/20261202/us-east-1/%s/aws4_request, SignedHeaders=host;x-amz-date, Signature=00";

    @ParameterizedTest(name = "{0} {1} target={3} signed={2} -> {5}")
    @CsvSource(nullValues = "-", value = {
            // the signing service decides first
            "POST, /,                          sqs,      AmazonSQS.SendMessage,             application/x-amz-json-1.0, SQS",
            "POST, /,                          dynamodb, DynamoDB_20120810.PutItem,         application/x-amz-json-1.0, DYNAMODB",
            "POST, /,                          dynamodb, DynamoDBStreams_20120810.GetRecords, application/x-amz-json-1.0, DYNAMODB",
            "POST, /,                          kinesis,  Kinesis_20131202.GetRecords,       application/x-amz-cbor-1.1, KINESIS",
            "POST, /,                          events,   AWSEvents.PutEvents,               application/x-amz-json-1.1, EVENTBRIDGE",
            "POST, /v1/pipes/orders,           pipes,    -,                                 application/json,           PIPES",
            "POST, /,                          sqs,      -,                                 application/x-www-form-urlencoded, SQS",
            // unsigned: X-Amz-Target, then the path
            "POST, /,                          -,        Kinesis_20131202.PutRecords,       application/x-amz-json-1.1, KINESIS",
            "POST, /,                          -,        AWSEvents.PutRule,                 application/x-amz-json-1.1, EVENTBRIDGE",
            "GET,  /v1/pipes,                  -,        -,                                 -,                          PIPES",
            "GET,  /tags/arn:aws:pipes:us-east-1:000000000000:pipe/p, -, -,                 -,                          PIPES",
            "POST, /000000000000/orders,       -,        -,                                 application/x-www-form-urlencoded, SQS",
            "POST, /,                          -,        -,                                 application/x-www-form-urlencoded, SQS",
            // a signing service this stack does not run, with no other clue
            "POST, /,                          sts,      -,                                 application/json,           -",
            "GET,  /,                          -,        -,                                 -,                          -",
    })
    void routesAsTheSdksSignAndTarget(String method, String path, String signing, String target, String contentType, LocalService expected) {
        String authorization = signing == null ? null : SCOPE.formatted(signing);
        assertThat(ServiceRouter.route(new ServiceRouter.Request(method, path, null, authorization, target, contentType)))
                .isEqualTo(java.util.Optional.ofNullable(expected));
    }

    @ParameterizedTest
    @CsvSource({
            "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=local%2F20261202%2Fus-east-1%2Fsqs%2Faws4_request&X-Amz-Signature=00, SQS",
            "Action=ListQueues&Version=2012-11-05, SQS",
    })
    void presignedAndQueryStringRequestsRouteByTheirQuery(String query, LocalService expected) {
        assertThat(ServiceRouter.route(new ServiceRouter.Request("GET", "/", query, null, null, null))).contains(expected);
    }

    @ParameterizedTest
    @CsvSource({"sqs", "dynamodb", "kinesis", "pipes", "events"})
    void readsTheServiceOfTheCredentialScope(String service) {
        assertThat(ServiceRouter.signingService(SCOPE.formatted(service))).contains(service);
    }
}
