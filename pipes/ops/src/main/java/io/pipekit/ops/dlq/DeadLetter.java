package io.pipekit.ops.dlq;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.Map;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * One message in a dead-letter queue, by what put it there. Recognised in this order: a rule
 * target's failure (message attribute {@code RULE_ARN}, docs/aws-behaviour.md §2.4), a pipe's
 * stream-batch metadata record ({@code KinesisBatchInfo} / {@code DDBStreamBatchInfo}, §1.9),
 * else a message SQS moved here from a source queue after {@code maxReceiveCount} receives (§9).
 */
public sealed interface DeadLetter permits DeadLetter.Redriven, DeadLetter.PipeBatch, DeadLetter.RuleFailure {

    Message message();

    /** When it was first sent (SQS keeps a standard queue message's original timestamp through redrive). */
    default Instant sent() {
        String ms = message().attributes().get(MessageSystemAttributeName.SENT_TIMESTAMP);
        return ms == null ? Instant.EPOCH : Instant.ofEpochMilli(Long.parseLong(ms));
    }

    default String id() {
        return message().messageId();
    }

    /** {@code redrive}, {@code pipe-batch} or {@code rule-failure}. */
    String kind();

    /** What it would go back to: the source queue, the pipe's stream, the rule. */
    String origin();

    /**
     * A message SQS redrove here.
     *
     * @param sourceQueueArn from the {@code DeadLetterQueueSourceArn} system attribute, or null when
     *     the endpoint does not set it (then the queue's only redrive source is used)
     */
    record Redriven(Message message, String sourceQueueArn) implements DeadLetter {
        public String kind() {
            return "redrive";
        }

        public String origin() {
            return sourceQueueArn == null ? "(source queue unknown)" : sourceQueueArn;
        }
    }

    /**
     * A pipe's record of a failed stream batch: which records, never their payload.
     *
     * @param pipeArn from {@code requestContext}, or null (then found by the stream and this DLQ)
     */
    record PipeBatch(Message message, Stream stream, String streamArn, String shardId, String startSequenceNumber,
            String endSequenceNumber, int batchSize, String condition, String pipeArn) implements DeadLetter {
        public enum Stream { KINESIS, DYNAMODB }

        public String kind() {
            return "pipe-batch";
        }

        public String origin() {
            return streamArn + " " + shardId;
        }
    }

    /** A rule target's failed event: the original event as body, the error in message attributes. */
    record RuleFailure(Message message, String ruleArn, String targetArn, String errorCode, String errorMessage,
            String exhaustedRetryCondition, String retryAttempts) implements DeadLetter {
        public String kind() {
            return "rule-failure";
        }

        public String origin() {
            return ruleArn;
        }
    }

    ObjectMapper JSON = new ObjectMapper();

    static DeadLetter of(Message m) {
        Map<String, MessageAttributeValue> attrs = m.messageAttributes();
        if (attrs.containsKey("RULE_ARN")) {
            return new RuleFailure(m, text(attrs, "RULE_ARN"), text(attrs, "TARGET_ARN"), text(attrs, "ERROR_CODE"), text(attrs, "ERROR_MESSAGE"),
                    text(attrs, "EXHAUSTED_RETRY_CONDITION"), text(attrs, "RETRY_ATTEMPTS"));
        }
        JsonNode body = parse(m.body());
        if (body != null) {
            for (PipeBatch.Stream s : PipeBatch.Stream.values()) {
                JsonNode info = body.get(s == PipeBatch.Stream.KINESIS ? "KinesisBatchInfo" : "DDBStreamBatchInfo");
                if (info != null && info.isObject()) {
                    JsonNode ctx = body.path("requestContext");
                    return new PipeBatch(m, s, info.path("streamArn").asText(null), info.path("shardId").asText(null),
                            info.path("startSequenceNumber").asText(null), info.path("endSequenceNumber").asText(null), info.path("batchSize").asInt(0),
                            ctx.path("condition").asText(null), ctx.path("pipeArn").asText(null));
                }
            }
        }
        return new Redriven(m, m.attributes().get(MessageSystemAttributeName.DEAD_LETTER_QUEUE_SOURCE_ARN));
    }

    private static String text(Map<String, MessageAttributeValue> attrs, String name) {
        MessageAttributeValue v = attrs.get(name);
        return v == null ? null : v.stringValue();
    }

    private static JsonNode parse(String body) {
        if (body == null || !body.stripLeading().startsWith("{")) {
            return null;
        }
        try {
            return JSON.readTree(body);
        } catch (java.io.IOException e) {
            return null;
        }
    }
}
