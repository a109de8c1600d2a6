package io.pipekit.pipes.runtime;

import io.pipekit.pipes.model.AwsLimits;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SqsException;

/**
 * An SQS queue as a pipe target: one message per record through {@code SendMessageBatch} in chunks
 * of at most 10 entries, even for a single record (docs/aws-behaviour.md §1.7). No message attributes.
 */
final class SqsTarget {

    /** One message to send; {@code index} identifies the record in the caller's batch. */
    record Message(int index, String body, String messageGroupId, String messageDeduplicationId) {}

    /**
     * A message that was not accepted. {@code customer} separates customer errors (4xx, sender
     * faults: counted against the retry limits) from internal ones (network, 5xx: retried without
     * counting), docs/aws-behaviour.md §1.9.
     */
    record Failure(Message message, boolean customer, String code, String reason) {}

    private final SqsClient sqs;
    private final String queueArn;
    private volatile String queueUrl;

    SqsTarget(SqsClient sqs, String queueArn) {
        this.sqs = sqs;
        this.queueArn = queueArn;
    }

    String queueArn() {
        return queueArn;
    }

    /** Resolves the queue URL; throws {@link SqsException} (e.g. QueueDoesNotExist) when it cannot. */
    String queueUrl() {
        String url = queueUrl;
        if (url == null) {
            url = sqs.getQueueUrl(b -> b.queueName(Arns.name(queueArn)).queueOwnerAWSAccountId(Arns.account(queueArn))).queueUrl();
            queueUrl = url;
        }
        return url;
    }

    /** Sends every message; returns the ones that failed (empty = all delivered). Never throws for SQS errors. */
    List<Failure> send(List<Message> messages) {
        List<Failure> failures = new ArrayList<>();
        for (List<Message> chunk : chunks(messages)) {
            failures.addAll(sendChunk(chunk));
        }
        return failures;
    }

    private List<Failure> sendChunk(List<Message> chunk) {
        List<SendMessageBatchRequestEntry> entries = new ArrayList<>(chunk.size());
        for (Message message : chunk) {
            entries.add(SendMessageBatchRequestEntry.builder()
                    .id(Integer.toString(message.index()))
                    .messageBody(message.body())
                    .messageGroupId(message.messageGroupId())
                    .messageDeduplicationId(message.messageDeduplicationId())
                    .build());
        }
        try {
            SendMessageBatchResponse response = sqs.sendMessageBatch(b -> b.queueUrl(queueUrl()).entries(entries));
            if (!response.hasFailed() || response.failed().isEmpty()) {
                return List.of();
            }
            Map<String, Message> byId = new java.util.HashMap<>();
            chunk.forEach(m -> byId.put(Integer.toString(m.index()), m));
            List<Failure> failures = new ArrayList<>();
            for (BatchResultErrorEntry error : response.failed()) {
                failures.add(new Failure(byId.get(error.id()), Boolean.TRUE.equals(error.senderFault()), error.code(), error.message()));
            }
            return failures;
        } catch (SqsException e) {
            queueUrl = null; // the queue may have been deleted and created again
            boolean customer = e.statusCode() >= 400 && e.statusCode() < 500 && !e.isThrottlingException();
            String code = e.awsErrorDetails() == null ? "SqsException" : e.awsErrorDetails().errorCode();
            return chunk.stream().map(m -> new Failure(m, customer, code, e.getMessage())).toList();
        } catch (SdkClientException e) {
            if (Thread.currentThread().isInterrupted()) {
                throw e;
            }
            return chunk.stream().map(m -> new Failure(m, false, "InternalError", e.getMessage())).toList();
        }
    }

    private static List<List<Message>> chunks(List<Message> messages) {
        List<List<Message>> chunks = new ArrayList<>();
        List<Message> current = new ArrayList<>();
        int bytes = 0;
        for (Message message : messages) {
            int size = message.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            if (!current.isEmpty() && (current.size() == AwsLimits.SQS_BATCH_ENTRIES || bytes + size > AwsLimits.SQS_BATCH_BYTES)) {
                chunks.add(current);
                current = new ArrayList<>();
                bytes = 0;
            }
            current.add(message);
            bytes += size;
        }
        if (!current.isEmpty()) {
            chunks.add(current);
        }
        return chunks;
    }
}
