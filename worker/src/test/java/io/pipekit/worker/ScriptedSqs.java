package io.pipekit.worker;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequest;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchResponse;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchResultEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResultEntry;

/**
 * An {@link SqsClient} for the failure paths a protocol server cannot produce on demand: each batch
 * call takes the next scripted answer (default: every entry succeeds). Records every request.
 */
final class ScriptedSqs implements SqsClient {

    /** What one batch call does, given the entry ids it was sent. */
    sealed interface Answer {}

    /** Every entry succeeds except these ids, which fail with the code. */
    record Fail(Map<String, String> codeById, boolean senderFault) implements Answer {}

    /** The whole call fails (throttling, access denied). */
    record Throw(RuntimeException error) implements Answer {}

    /** Blocks until released, then answers success. */
    record Stall(java.util.concurrent.CountDownLatch release) implements Answer {}

    final Queue<Answer> deletes = new ConcurrentLinkedQueue<>();
    final Queue<Answer> visibility = new ConcurrentLinkedQueue<>();
    final List<DeleteMessageBatchRequest> deleteCalls = new CopyOnWriteArrayList<>();
    final List<ChangeMessageVisibilityBatchRequest> visibilityCalls = new CopyOnWriteArrayList<>();
    /** When set, decides a visibility call's answer instead of the queue (for per-receipt stalls). */
    volatile Function<ChangeMessageVisibilityBatchRequest, Answer> visibilityBy;

    static AwsServiceException error(String code, int status) {
        return AwsServiceException.builder().statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(code + " (scripted)").build()).build();
    }

    @Override
    public DeleteMessageBatchResponse deleteMessageBatch(DeleteMessageBatchRequest request) {
        deleteCalls.add(request);
        Answer answer = deletes.poll();
        List<String> ids = request.entries().stream().map(e -> e.id()).toList();
        Map<String, String> failures = apply(answer);
        List<DeleteMessageBatchResultEntry> ok = new ArrayList<>();
        List<BatchResultErrorEntry> failed = new ArrayList<>();
        for (String id : ids) {
            if (failures.containsKey(id)) {
                failed.add(BatchResultErrorEntry.builder().id(id).code(failures.get(id)).message("scripted")
                        .senderFault(((Fail) answer).senderFault()).build());
            } else {
                ok.add(DeleteMessageBatchResultEntry.builder().id(id).build());
            }
        }
        return DeleteMessageBatchResponse.builder().successful(ok).failed(failed).build();
    }

    @Override
    public ChangeMessageVisibilityBatchResponse changeMessageVisibilityBatch(ChangeMessageVisibilityBatchRequest request) {
        visibilityCalls.add(request);
        Function<ChangeMessageVisibilityBatchRequest, Answer> by = visibilityBy;
        Answer answer = by != null ? by.apply(request) : visibility.poll();
        Map<String, String> failures = apply(answer);
        List<ChangeMessageVisibilityBatchResultEntry> ok = new ArrayList<>();
        List<BatchResultErrorEntry> failed = new ArrayList<>();
        for (var entry : request.entries()) {
            if (failures.containsKey(entry.id())) {
                failed.add(BatchResultErrorEntry.builder().id(entry.id()).code(failures.get(entry.id())).message("scripted")
                        .senderFault(((Fail) answer).senderFault()).build());
            } else {
                ok.add(ChangeMessageVisibilityBatchResultEntry.builder().id(entry.id()).build());
            }
        }
        return ChangeMessageVisibilityBatchResponse.builder().successful(ok).failed(failed).build();
    }

    private static Map<String, String> apply(Answer answer) {
        return switch (answer) {
            case null -> Map.of();
            case Fail f -> f.codeById();
            case Throw t -> throw t.error();
            case Stall s -> {
                try {
                    s.release().await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while stalled", e);
                }
                yield Map.of();
            }
        };
    }

    @Override
    public String serviceName() {
        return "sqs";
    }

    @Override
    public void close() {}
}
