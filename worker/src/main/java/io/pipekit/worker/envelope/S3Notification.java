package io.pipekit.worker.envelope;

import com.amazonaws.services.lambda.runtime.events.models.s3.S3EventNotification;
import com.fasterxml.jackson.databind.JsonNode;
import io.pipekit.worker.QueueMessage;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * An S3 event notification sent straight to the queue (docs/aws-behaviour.md §4.1). {@code eventVersion}
 * varies (2.1 … 2.6+) and is read leniently; object keys arrive form-URL-encoded
 * ({@code red+flower.jpg}) and are decoded in {@link ObjectEvent#key()}.
 *
 * @param records one entry per {@code Records[]} element
 * @param json    the whole notification as received (do not modify)
 */
public record S3Notification(QueueMessage queueMessage, List<ObjectEvent> records, JsonNode json) implements Envelope {

    /**
     * One object event.
     *
     * @param eventName {@code ObjectCreated:Put}, {@code ObjectRemoved:Delete}, …
     * @param key       the object key, URL-decoded
     * @param rawKey    the key exactly as S3 sent it (form-URL-encoded)
     * @param size      object size, or null (absent on deletes)
     * @param eTag      null on deletes
     * @param versionId only on versioned buckets, else null
     * @param sequencer orders events for one key
     */
    public record ObjectEvent(
            String eventName,
            Instant eventTime,
            String awsRegion,
            String eventVersion,
            String bucketName,
            String bucketArn,
            String key,
            String rawKey,
            Long size,
            String eTag,
            String versionId,
            String sequencer) {
    }

    static S3Notification read(QueueMessage message, JsonNode notification) {
        Fields f = new Fields(notification, "notification");
        List<JsonNode> records = f.array("Records");
        List<ObjectEvent> events = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            events.add(readRecord(new Fields(records.get(i), "Records", i)));
        }
        return new S3Notification(message, List.copyOf(events), notification);
    }

    private static ObjectEvent readRecord(Fields record) {
        if (!"aws:s3".equals(record.text("eventSource"))) {
            throw new MalformedEnvelope("mixed Records: an element's eventSource is not aws:s3");
        }
        Fields s3 = record.requiredObject("s3");
        Fields bucket = s3.requiredObject("bucket");
        Fields object = s3.requiredObject("object");
        String rawKey = object.requiredText("key");
        String key;
        try {
            // docs/aws-behaviour.md §4.1: keys are form-URL-encoded (space→'+', '+'→%2B)
            // without '%' URLDecoder only turns '+' into ' ' (and returns the same string when there is none)
            key = rawKey.indexOf('%') < 0 ? rawKey.replace('+', ' ') : URLDecoder.decode(rawKey, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new MalformedEnvelope("s3.object.key is not URL-encoded");
        }
        Instant eventTime;
        try {
            eventTime = record.isoInstant("eventTime");
        } catch (MalformedEnvelope e) {
            eventTime = null;
        }
        Long size = object.longValue("size");
        return new ObjectEvent(
                record.requiredText("eventName"),
                eventTime,
                record.text("awsRegion"),
                record.text("eventVersion"),
                bucket.requiredText("name"),
                bucket.text("arn"),
                key,
                rawKey,
                size,
                object.text("eTag"),
                object.text("versionId"),
                object.text("sequencer"));
    }

    @Override
    public EnvelopeKind kind() {
        return EnvelopeKind.S3;
    }

    /** The URL-decoded keys of all records, in order. */
    public List<String> keys() {
        return records.stream().map(ObjectEvent::key).toList();
    }

    /**
     * The notification as Lambda's {@code S3EventNotification} (what {@code S3Event} extends), built
     * on each call. Its {@code getKey()} is the raw key; {@code getUrlDecodedKey()} decodes it.
     */
    public S3EventNotification toS3EventNotification() {
        List<S3EventNotification.S3EventNotificationRecord> lambda = new ArrayList<>(records.size());
        JsonNode array = json.path("Records");
        for (int i = 0; i < records.size(); i++) {
            ObjectEvent event = records.get(i);
            JsonNode raw = array.path(i);
            JsonNode s3 = raw.path("s3");
            var owner = s3.path("bucket").path("ownerIdentity").path("principalId").asText(null);
            var bucket = new S3EventNotification.S3BucketEntity(event.bucketName(),
                    owner == null ? null : new S3EventNotification.UserIdentityEntity(owner), event.bucketArn());
            var object = new S3EventNotification.S3ObjectEntity(event.rawKey(), event.size(), event.eTag(),
                    event.versionId(), event.sequencer());
            var entity = new S3EventNotification.S3Entity(s3.path("configurationId").asText(null), bucket, object,
                    s3.path("s3SchemaVersion").asText(null));
            var principal = raw.path("userIdentity").path("principalId").asText(null);
            var sourceIp = raw.path("requestParameters").path("sourceIPAddress").asText(null);
            JsonNode response = raw.path("responseElements");
            lambda.add(new S3EventNotification.S3EventNotificationRecord(
                    event.awsRegion(),
                    event.eventName(),
                    "aws:s3",
                    event.eventTime() == null ? null : event.eventTime().toString(),
                    event.eventVersion(),
                    sourceIp == null ? null : new S3EventNotification.RequestParametersEntity(sourceIp),
                    response.isObject() ? new S3EventNotification.ResponseElementsEntity(
                            response.path("x-amz-id-2").asText(null), response.path("x-amz-request-id").asText(null)) : null,
                    entity,
                    principal == null ? null : new S3EventNotification.UserIdentityEntity(principal)));
        }
        return new S3EventNotification(lambda);
    }

    @Override
    public String summary() {
        return "S3 records=" + records.size()
                + (records.isEmpty() ? "" : " bucket=" + records.get(0).bucketName() + " event=" + records.get(0).eventName());
    }

    /** Id and origin only: a record's default toString would print the body into logs. */
    @Override
    public String toString() {
        return "S3Notification[message " + messageId() + ": " + summary() + "]";
    }
}
