package io.pipekit.worker.envelope;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import io.pipekit.worker.MessageAttribute;
import io.pipekit.worker.QueueMessage;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * One message of a source SQS queue forwarded by an EventBridge pipe without an input template
 * (docs/aws-behaviour.md §1.2): the source message's id, body, system and user attributes, in Lambda's
 * lower-camel shape. Not to be confused with {@link #queueMessage()}, the target queue's message.
 *
 * @param sourceMessageId   the message id on the source queue
 * @param eventSourceArn    the source queue's ARN
 * @param attributes        the source message's system attributes ({@code SentTimestamp}, FIFO's {@code MessageGroupId}, …)
 * @param messageAttributes the source message's user attributes
 * @param body              the source message's body; may itself be an envelope, see {@link #inner()}
 * @param json              the whole record as received (do not modify)
 */
public record PipesSqsRecord(
        QueueMessage queueMessage,
        String eventSourceArn,
        String sourceMessageId,
        String awsRegion,
        Map<String, String> attributes,
        Map<String, MessageAttribute> messageAttributes,
        Payload body,
        JsonNode json) implements Envelope {

    static PipesSqsRecord read(QueueMessage message, JsonNode record, Function<Payload, Envelope> nestedDecoder) {
        Fields f = new Fields(record, "record");
        return new PipesSqsRecord(message,
                f.text("eventSourceARN"),
                f.requiredText("messageId"),
                f.text("awsRegion"),
                f.textMap("attributes"),
                f.map("messageAttributes", PipesSqsRecord::readAttribute),
                Payload.nestable(f.requiredText("body"), nestedDecoder),
                record);
    }

    @Override
    public EnvelopeKind kind() {
        return EnvelopeKind.PIPES_SQS;
    }

    /** The source queue's name, or null. */
    public String queueName() {
        return Arns.resource(eventSourceArn);
    }

    /** The source message's FIFO group, or null on a standard queue. */
    public String messageGroupId() {
        return attributes.get("MessageGroupId");
    }

    /**
     * The body decoded as an envelope in its own right (an SNS notification or an S3 event that went
     * through the source queue first), or a {@link RawMessage}. Decoded once, on first call.
     */
    public Envelope inner() {
        return body.nested();
    }

    /** The record as Lambda's {@code SQSEvent.SQSMessage}, built on each call. */
    public SQSEvent.SQSMessage toSqsMessage() {
        SQSEvent.SQSMessage sqs = new SQSEvent.SQSMessage();
        sqs.setMessageId(sourceMessageId);
        sqs.setReceiptHandle(json.path("receiptHandle").asText(null));
        sqs.setBody(body.text());
        sqs.setMd5OfBody(json.path("md5OfBody").asText(null));
        sqs.setMd5OfMessageAttributes(json.path("md5OfMessageAttributes").asText(null));
        sqs.setEventSource(json.path("eventSource").asText(null));
        sqs.setEventSourceArn(eventSourceArn);
        sqs.setAwsRegion(awsRegion);
        sqs.setAttributes(new LinkedHashMap<>(attributes));
        Map<String, SQSEvent.MessageAttribute> attrs = new LinkedHashMap<>();
        messageAttributes.forEach((name, value) -> {
            SQSEvent.MessageAttribute attr = new SQSEvent.MessageAttribute();
            attr.setDataType(value.dataType());
            attr.setStringValue(value.stringValue());
            if (value.binaryValue() != null) {
                attr.setBinaryValue(value.binaryValue().asReadOnlyBuffer());
            }
            attrs.put(name, attr);
        });
        sqs.setMessageAttributes(attrs);
        return sqs;
    }

    /** Lambda-shaped: {@code {"dataType":"String","stringValue":"…"}}, binary values base64. */
    private static MessageAttribute readAttribute(Fields attributes, String name, JsonNode value) {
        Fields attr = attributes.requiredObject(name, value);
        String dataType = attr.requiredText("dataType");
        ByteBuffer bytes = attr.base64("binaryValue");
        return new MessageAttribute(dataType, attr.text("stringValue"), bytes);
    }

    @Override
    public String summary() {
        return "PIPES_SQS queue=" + eventSourceArn + " sourceMessageId=" + sourceMessageId;
    }

    /** Id and origin only: a record's default toString would print the body into logs. */
    @Override
    public String toString() {
        return "PipesSqsRecord[message " + messageId() + ": " + summary() + "]";
    }
}
