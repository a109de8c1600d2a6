package io.pipekit.it.deploy;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Records every AWS call an SDK client makes, for one principal (the worker, the pipes, the rules):
 * service, operation and the resource the request names. Attached to a client with
 * {@code overrideConfiguration(o -> o.addExecutionInterceptor(recorder))}; it never changes a call.
 */
final class CallRecorder implements ExecutionInterceptor {

    /** One distinct call: {@code resource} is the queue URL or stream the request names, or "" (e.g. a shard iterator). */
    record Call(String principal, String service, String operation, String resource) {

        /** The IAM action AWS checks for it: batch SQS calls are authorized as their single-message action. */
        String iamAction() {
            String prefix = switch (service) {
                case "Sqs" -> "sqs";
                case "Kinesis" -> "kinesis";
                case "DynamoDbStreams", "DynamoDB Streams", "DynamoDb" -> "dynamodb";
                default -> service.toLowerCase();
            };
            String action = prefix.equals("sqs") ? operation.replaceFirst("Batch$", "") : operation;
            return prefix + ":" + action;
        }

        @Override
        public String toString() {
            return principal + " " + service + "." + operation + " (" + iamAction() + ") on " + (resource.isEmpty() ? "-" : resource);
        }
    }

    private final String principal;
    private final Set<Call> calls;

    CallRecorder(String principal, Set<Call> calls) {
        this.principal = principal;
        this.calls = calls;
    }

    static Set<Call> newLog() {
        return ConcurrentHashMap.newKeySet();
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        SdkRequest request = context.request();
        String resource = field(request, "QueueUrl");
        if (resource.isEmpty()) {
            resource = field(request, "StreamARN");
        }
        if (resource.isEmpty()) {
            resource = field(request, "StreamArn");
        }
        if (resource.isEmpty()) {
            resource = field(request, "StreamName");
        }
        calls.add(new Call(principal, attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME),
                attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME), resource));
    }

    private static String field(SdkRequest request, String name) {
        return request.getValueForField(name, String.class).orElse("");
    }
}
