package io.pipekit.worker.envelope;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.Identity;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamViewType;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import com.fasterxml.jackson.databind.JsonNode;
import io.pipekit.worker.QueueMessage;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.Optional;

/**
 * One DynamoDB stream record forwarded by an EventBridge pipe without an input template
 * (docs/aws-behaviour.md §1.2). Images use DynamoDB's typed attribute-value JSON; read them as plain maps
 * ({@link #newImage()}) or as the Lambda model ({@link #toStreamRecord()}), both converted on each call.
 *
 * @param eventName      {@code INSERT}, {@code MODIFY} or {@code REMOVE}
 * @param eventSourceArn the table's stream ARN ({@code …:table/T/stream/2024-…})
 * @param createdAt      {@code dynamodb.ApproximateCreationDateTime}, or null when absent
 * @param dynamodb       the {@code dynamodb} object as received (do not modify)
 * @param json           the whole record as received (do not modify)
 */
public record PipesDynamoDbRecord(
        QueueMessage queueMessage,
        String eventSourceArn,
        String eventId,
        String eventName,
        String awsRegion,
        String sequenceNumber,
        String streamViewType,
        Instant createdAt,
        JsonNode dynamodb,
        JsonNode json) implements Envelope {

    static PipesDynamoDbRecord read(QueueMessage message, JsonNode record) {
        Fields f = new Fields(record, "record");
        Fields ddb = f.requiredObject("dynamodb");
        ddb.requiredObject("Keys");
        // images are checked for shape here (objects) and converted lazily
        ddb.object("NewImage");
        ddb.object("OldImage");
        f.object("userIdentity");
        return new PipesDynamoDbRecord(message,
                f.text("eventSourceARN"),
                f.text("eventID"),
                f.requiredText("eventName"),
                f.text("awsRegion"),
                ddb.text("SequenceNumber"),
                ddb.text("StreamViewType"),
                ddb.epochSeconds("ApproximateCreationDateTime"),
                ddb.node(),
                record);
    }

    @Override
    public EnvelopeKind kind() {
        return EnvelopeKind.PIPES_DYNAMODB;
    }

    /** The table's name from the stream ARN, or null. */
    public String tableName() {
        return Arns.nameAfter(eventSourceArn, "table");
    }

    public boolean isInsert() {
        return "INSERT".equals(eventName);
    }

    public boolean isModify() {
        return "MODIFY".equals(eventName);
    }

    public boolean isRemove() {
        return "REMOVE".equals(eventName);
    }

    /**
     * A delete made by DynamoDB's TTL process rather than by a user: a REMOVE whose
     * {@code userIdentity} is the DynamoDB service (docs/aws-behaviour.md §1.2).
     */
    public boolean isTtlDelete() {
        JsonNode identity = json.path("userIdentity");
        return isRemove()
                && "Service".equals(identity.path("type").asText(null))
                && "dynamodb.amazonaws.com".equals(identity.path("principalId").asText(null));
    }

    /** The item's key attributes as plain Java values. @throws PayloadException when malformed */
    public Map<String, Object> keys() {
        return DynamoAttributes.toPlainMap(dynamodb.get("Keys"), "dynamodb.Keys");
    }

    /** The item after the change (INSERT, MODIFY with a NEW_* view), as plain Java values. */
    public Optional<Map<String, Object>> newImage() {
        return image("NewImage");
    }

    /** The item before the change (MODIFY, REMOVE with an OLD_* view), as plain Java values. */
    public Optional<Map<String, Object>> oldImage() {
        return image("OldImage");
    }

    /** Size of the change in bytes ({@code dynamodb.SizeBytes}), or null. */
    public Long sizeBytes() {
        try {
            BigDecimal size = new Fields(dynamodb, "dynamodb").number("SizeBytes");
            return size == null ? null : size.longValue();
        } catch (MalformedEnvelope e) {
            throw new PayloadException(e.getMessage());
        }
    }

    /**
     * The record as Lambda's {@code DynamodbEvent.DynamodbStreamRecord} with typed
     * {@link AttributeValue}s, so Lambda handler code runs unchanged. Built on each call.
     * @throws PayloadException when an attribute value is malformed
     */
    public DynamodbEvent.DynamodbStreamRecord toStreamRecord() {
        DynamodbEvent.DynamodbStreamRecord record = new DynamodbEvent.DynamodbStreamRecord();
        record.setEventID(eventId);
        record.setEventName(eventName);
        record.setEventVersion(json.path("eventVersion").asText(null));
        record.setEventSource(json.path("eventSource").asText(null));
        record.setAwsRegion(awsRegion);
        record.setEventSourceARN(eventSourceArn);
        JsonNode identity = json.get("userIdentity");
        if (identity != null && identity.isObject()) {
            record.setUserIdentity(new Identity()
                    .withType(identity.path("type").asText(null))
                    .withPrincipalId(identity.path("principalId").asText(null)));
        }
        StreamRecord stream = new StreamRecord();
        stream.setKeys(DynamoAttributes.toLambdaMap(dynamodb.get("Keys"), "dynamodb.Keys"));
        if (dynamodb.hasNonNull("NewImage")) {
            stream.setNewImage(DynamoAttributes.toLambdaMap(dynamodb.get("NewImage"), "dynamodb.NewImage"));
        }
        if (dynamodb.hasNonNull("OldImage")) {
            stream.setOldImage(DynamoAttributes.toLambdaMap(dynamodb.get("OldImage"), "dynamodb.OldImage"));
        }
        stream.setSequenceNumber(sequenceNumber);
        stream.setSizeBytes(sizeBytes());
        if (streamViewType != null) {
            try {
                stream.setStreamViewType(StreamViewType.fromValue(streamViewType));
            } catch (IllegalArgumentException e) {
                throw new PayloadException("dynamodb.StreamViewType is unknown: " + streamViewType, e);
            }
        }
        if (createdAt != null) {
            stream.setApproximateCreationDateTime(Date.from(createdAt));
        }
        record.setDynamodb(stream);
        return record;
    }

    private Optional<Map<String, Object>> image(String field) {
        JsonNode image = dynamodb.get(field);
        if (image == null || image.isNull()) {
            return Optional.empty();
        }
        return Optional.of(DynamoAttributes.toPlainMap(image, "dynamodb." + field));
    }

    @Override
    public String summary() {
        return "PIPES_DYNAMODB stream=" + eventSourceArn + " eventName=" + eventName + " eventId=" + eventId;
    }

    /** Id and origin only: a record's default toString would print the body into logs. */
    @Override
    public String toString() {
        return "PipesDynamoDbRecord[message " + messageId() + ": " + summary() + "]";
    }
}
