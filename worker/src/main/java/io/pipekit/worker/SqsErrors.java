package io.pipekit.worker;

import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/**
 * Which SQS errors waiting cannot fix (docs/aws-behaviour.md §9): a denied permission, a queue that
 * does not exist, bad credentials. They are retried all the same — an operator may fix the role
 * while the task runs — but reported to health and logged as what they are.
 */
final class SqsErrors {

    private static final Set<String> PERMANENT = Set.of(
            "AccessDenied", "AccessDeniedException", "KMS.AccessDeniedException", "KmsAccessDenied",
            "AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist",
            "InvalidClientTokenId", "UnrecognizedClientException", "SignatureDoesNotMatch",
            "InvalidSecurity", "MissingAuthenticationToken", "ExpiredToken");

    private SqsErrors() {}

    static boolean isPermanent(Throwable error) {
        return error instanceof AwsServiceException aws && aws.awsErrorDetails() != null
                && (isPermanentCode(aws.awsErrorDetails().errorCode()) || aws.statusCode() == 403);
    }

    /** For the {@code Code} of a failed batch entry as well as a whole call's error code. */
    static boolean isPermanentCode(String code) {
        return code != null && PERMANENT.contains(code);
    }

    /** One line for logs and health: the error code and message, without the SDK's request ids. */
    static String describe(Throwable error) {
        if (error instanceof AwsServiceException aws && aws.awsErrorDetails() != null) {
            if (aws.awsErrorDetails().errorCode() == null) {
                // a body the SDK could not parse (some servers answer 403 in another protocol's shape):
                // the SDK's own message still names the status code
                return aws.getMessage();
            }
            return aws.awsErrorDetails().errorCode() + ": " + aws.awsErrorDetails().errorMessage();
        }
        return error.toString();
    }
}
