package io.pipekit.worker.main;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.Optional;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * Turns the first receive's failure into one sentence an operator can act on. Only failures that
 * waiting cannot fix (wrong queue, unreachable endpoint, no permission, no region) stop the worker
 * at start-up; once running, every receive error is retried.
 */
final class StartupFailure {

    private StartupFailure() {
    }

    /** The message to print, or empty when the error looks transient. */
    static Optional<String> explain(Throwable error, String queues) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof QueueDoesNotExistException) {
                return Optional.of("the queue does not exist: " + queues
                        + ". Check COPILOT_QUEUE_URI / PIPEKIT_QUEUE_URLS, the AWS region, and AWS_ENDPOINT_URL_SQS if you use an emulator");
            }
            if (t instanceof UnknownHostException) {
                return Optional.of("cannot resolve the SQS endpoint host (" + t.getMessage()
                        + "). Check the queue URL, AWS_REGION, and AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_SQS");
            }
            if (t instanceof ConnectException) {
                return Optional.of("cannot connect to the SQS endpoint (" + t.getMessage()
                        + "). Is the emulator running? Check AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_SQS");
            }
            if (t instanceof AwsServiceException service && (service.statusCode() == 403
                    || "AccessDenied".equals(service.awsErrorDetails() == null ? null : service.awsErrorDetails().errorCode()))) {
                return Optional.of("access denied on " + queues + " (" + service.awsErrorDetails().errorMessage()
                        + "). The task role needs sqs:ReceiveMessage, sqs:DeleteMessage and sqs:ChangeMessageVisibility "
                        + "(and kms:Decrypt on an encrypted queue) — granted by the task role pipekit renders (docs/deployment.md)");
            }
        }
        return Optional.empty();
    }
}
