package io.pipekit.ops.doctor;

import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;

/** How doctor reads an AWS answer that may be a refusal. */
final class Aws {

    private Aws() {}

    /** A call refused for lack of permission (IAM, KMS, SQS, Pipes and EventBridge spell it differently). */
    static boolean accessDenied(SdkException e) {
        if (e instanceof AwsServiceException s) {
            String code = s.awsErrorDetails() == null ? "" : String.valueOf(s.awsErrorDetails().errorCode());
            return s.statusCode() == 403 || code.contains("AccessDenied") || code.equals("UnauthorizedOperation")
                    || code.equals("AuthorizationError") || code.contains("NotAuthorized");
        }
        return false;
    }

    static boolean notFound(SdkException e) {
        if (e instanceof AwsServiceException s) {
            String code = s.awsErrorDetails() == null ? "" : String.valueOf(s.awsErrorDetails().errorCode());
            return s.statusCode() == 404 || code.contains("NotFound") || code.contains("NonExistent") || code.contains("NoSuchEntity")
                    || code.contains("DoesNotExist");
        }
        return false;
    }

    static String code(SdkException e) {
        if (e instanceof AwsServiceException s && s.awsErrorDetails() != null) {
            return s.awsErrorDetails().errorCode();
        }
        return e.getClass().getSimpleName();
    }

    /** The answer, or null after recording an "could not check" finding when the call was refused. */
    static <T> T read(Findings out, String check, String resource, String action, Supplier<T> call) {
        try {
            return call.get();
        } catch (SdkException e) {
            if (accessDenied(e)) {
                out.add(Finding.unchecked(check, resource, action, null));
                return null;
            }
            throw e;
        }
    }
}
