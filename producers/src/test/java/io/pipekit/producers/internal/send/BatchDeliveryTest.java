package io.pipekit.producers.internal.send;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipekit.producers.Target.Outcome;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;

/** How whole-call failures are classified: transient ones are retried, the rest reported as failed. */
class BatchDeliveryTest {

    @Test
    void throttlingServerErrorsAndIoAreRetried() {
        var throttled = ProvisionedThroughputExceededException.builder().statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("ProvisionedThroughputExceededException").build()).build();
        var internal = KinesisException.builder().statusCode(500)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("InternalFailure").build()).build();
        var io = SdkClientException.create("Unable to execute HTTP request", new java.net.SocketTimeoutException());

        assertThat(BatchDelivery.classify(throttled)).isEqualTo(new Outcome.Retry("ProvisionedThroughputExceededException"));
        assertThat(BatchDelivery.classify(internal)).isEqualTo(new Outcome.Retry("InternalFailure"));
        assertThat(BatchDelivery.classify(io)).isEqualTo(new Outcome.Retry("ClientError:SocketTimeoutException"));
    }

    @Test
    void clientErrorsAreNotRetried() {
        var missing = ResourceNotFoundException.builder().statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("ResourceNotFoundException").errorMessage("Stream x not found").build())
                .build();
        assertThat(BatchDelivery.classify(missing))
                .isEqualTo(new Outcome.Reject("ResourceNotFoundException", "Stream x not found"));
    }

    @Test
    void recognisesThrottleCodesOfEveryService() {
        assertThat(BatchDelivery.isThrottle("ThrottlingException")).isTrue();
        assertThat(BatchDelivery.isThrottle("ProvisionedThroughputExceededException")).isTrue();
        assertThat(BatchDelivery.isThrottle("RequestLimitExceeded")).isTrue();
        assertThat(BatchDelivery.isThrottle("InternalFailure")).isFalse();
    }
}
