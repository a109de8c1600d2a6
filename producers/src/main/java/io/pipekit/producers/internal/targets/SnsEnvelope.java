package io.pipekit.producers.internal.targets;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pipekit.producers.SampleEvent;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.UUID;

/**
 * Wraps an event the way SNS delivers it to an SQS subscription with raw delivery disabled
 * (docs/aws-behaviour.md §3): a {@code Notification} whose {@code Message} is the event JSON as a string
 * (double-encoded), with the fields in AWS order. It cannot carry a real signature — there is no
 * SNS signing key — so {@code Signature} is a marked placeholder that fails verification by design.
 */
public final class SnsEnvelope {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    static final String UNSIGNED = Base64.getEncoder()
            .encodeToString("pipekit-local-envelope-unsigned".getBytes(StandardCharsets.US_ASCII));

    private final String topicArn;
    private final String endpointHost;

    public SnsEnvelope(String topicArn) {
        String[] arn = topicArn.split(":");
        if (arn.length < 6 || !arn[2].equals("sns")) {
            throw new IllegalArgumentException("not an SNS topic ARN: " + topicArn);
        }
        this.topicArn = topicArn;
        this.endpointHost = "sns." + arn[3] + ".amazonaws.com";
    }

    public String wrap(SampleEvent event) {
        // stable per event, so a repeat run with the same seed gives the same MessageIds
        return wrap(event.toJson(), UUID.nameUUIDFromBytes(("sns:" + event.eventId()).getBytes(StandardCharsets.UTF_8)).toString(),
                event.producedAt(), java.util.Map.of("eventType", event.type()));
    }

    /** Any message, as the topic would deliver it: {@code message} becomes the (string) {@code Message} field. */
    public String wrap(String message, String messageId, java.time.Instant timestamp, java.util.Map<String, String> stringAttributes) {
        ObjectNode n = JSON.createObjectNode();
        n.put("Type", "Notification");
        n.put("MessageId", messageId);
        n.put("TopicArn", topicArn);
        n.put("Message", message);
        n.put("Timestamp", TIMESTAMP.format(timestamp));
        n.put("SignatureVersion", "1");
        n.put("Signature", UNSIGNED);
        n.put("SigningCertURL", "https://" + endpointHost + "/SimpleNotificationService-pipekit-local.pem");
        n.put("UnsubscribeURL", "https://" + endpointHost + "/?Action=Unsubscribe&SubscriptionArn=" + topicArn
                + ":" + UUID.nameUUIDFromBytes(topicArn.getBytes(StandardCharsets.UTF_8)));
        ObjectNode attrs = n.putObject("MessageAttributes");
        stringAttributes.forEach((name, value) -> attrs.putObject(name).put("Type", "String").put("Value", value));
        return n.toString();
    }
}
