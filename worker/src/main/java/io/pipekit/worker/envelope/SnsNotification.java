package io.pipekit.worker.envelope;

import com.amazonaws.services.lambda.runtime.events.SNSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import io.pipekit.worker.MessageAttribute;
import io.pipekit.worker.QueueMessage;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.joda.time.DateTime;
import org.joda.time.DateTimeZone;

/**
 * An SNS notification delivered to the queue with raw message delivery off — the default, and what
 * Copilot subscriptions use (docs/aws-behaviour.md §3, §11.3). {@code Message} is always a string; when it is
 * itself an envelope (an EventBridge event, an S3 notification, …) {@link #inner()} decodes it.
 *
 * @param snsMessageId      SNS's own message id
 * @param subject           {@code Subject}, or null when published without one
 * @param timestamp         {@code Timestamp}, or null when unparseable
 * @param sequenceNumber    FIFO topics only, else null
 * @param signatureVersion  standard topics only ({@code "1"} or {@code "2"}); FIFO envelopes carry no signature
 * @param messageAttributes SNS message attributes (Binary values base64-decoded), shaped like SQS attributes
 * @param message           the published message
 * @param json              the whole envelope as received (do not modify)
 */
public record SnsNotification(
        QueueMessage queueMessage,
        String topicArn,
        String snsMessageId,
        String subject,
        Instant timestamp,
        String sequenceNumber,
        String signatureVersion,
        Map<String, MessageAttribute> messageAttributes,
        Payload message,
        JsonNode json) implements Envelope {

    static SnsNotification read(QueueMessage queueMessage, JsonNode envelope, Function<Payload, Envelope> nestedDecoder) {
        Fields f = new Fields(envelope, "notification");
        Instant timestamp;
        try {
            timestamp = f.isoInstant("Timestamp");
        } catch (MalformedEnvelope e) {
            timestamp = null;
        }
        return new SnsNotification(queueMessage,
                f.requiredText("TopicArn"),
                f.text("MessageId"),
                f.text("Subject"),
                timestamp,
                f.text("SequenceNumber"),
                f.text("SignatureVersion"),
                f.map("MessageAttributes", SnsNotification::readAttribute),
                Payload.nestable(f.requiredText("Message"), nestedDecoder),
                envelope);
    }

    @Override
    public EnvelopeKind kind() {
        return EnvelopeKind.SNS;
    }

    /** The topic's name (last ARN segment), or null. */
    public String topicName() {
        return Arns.resource(topicArn);
    }

    /** Whether a FIFO topic sent it: a sequence number and no signature (docs/aws-behaviour.md §3). */
    public boolean isFifo() {
        return sequenceNumber != null || topicArn.endsWith(".fifo");
    }

    /**
     * The {@code Message} decoded as an envelope in its own right — so an EventBridge event or S3
     * notification published through SNS arrives typed — or a {@link RawMessage} for plain text.
     * Decoded once, on first call.
     */
    public Envelope inner() {
        return message.nested();
    }

    /** The envelope as Lambda's {@code SNSEvent.SNS}, built on each call. */
    public SNSEvent.SNS toSns() {
        SNSEvent.SNS sns = new SNSEvent.SNS();
        sns.setType(json.path("Type").asText(null));
        sns.setMessageId(snsMessageId);
        sns.setTopicArn(topicArn);
        sns.setSubject(subject);
        sns.setMessage(message.text());
        if (timestamp != null) {
            sns.setTimestamp(new DateTime(timestamp.toEpochMilli(), DateTimeZone.UTC));
        }
        sns.setSignatureVersion(signatureVersion);
        sns.setSignature(json.path("Signature").asText(null));
        sns.setSigningCertUrl(json.path("SigningCertURL").asText(null));
        sns.setUnsubscribeUrl(json.path("UnsubscribeURL").asText(null));
        Map<String, SNSEvent.MessageAttribute> attributes = new LinkedHashMap<>();
        JsonNode raw = json.path("MessageAttributes");
        raw.fieldNames().forEachRemaining(name -> attributes.put(name, new SNSEvent.MessageAttribute()
                .withType(raw.path(name).path("Type").asText(null))
                .withValue(raw.path(name).path("Value").asText(null))));
        sns.setMessageAttributes(attributes);
        return sns;
    }

    /** {@code {"Type":"String|Number|Binary|String.Array","Value":"…"}}; Binary values are base64. */
    private static MessageAttribute readAttribute(Fields attributes, String name, JsonNode node) {
        Fields attr = attributes.requiredObject(name, node);
        String type = attr.requiredText("Type");
        String value = attr.requiredText("Value");
        return type.startsWith("Binary")
                ? new MessageAttribute(type, null, attr.base64("Value"))
                : new MessageAttribute(type, value, null);
    }

    @Override
    public String summary() {
        return "SNS topic=" + topicArn + " snsMessageId=" + snsMessageId;
    }

    /** Id and origin only: a record's default toString would print the body into logs. */
    @Override
    public String toString() {
        return "SnsNotification[message " + messageId() + ": " + summary() + "]";
    }
}
