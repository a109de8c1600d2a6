package io.pipekit.ops.doctor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * What GetQueueAttributes said about one queue.
 *
 * @param dropped attributes this endpoint does not keep (ElasticMQ keeps no {@code Policy} or
 *     {@code MessageRetentionPeriod}; provisioning records them in the tag {@code pipekit:unsupported-attributes}):
 *     checks on them become notes instead of false alarms
 */
record QueueFacts(String url, String arn, Map<String, String> attributes, Set<String> dropped) {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** SQS's default retention, 4 days (docs/aws-behaviour.md §9), for endpoints that do not report it. */
    static final Duration DEFAULT_RETENTION = Duration.ofDays(4);

    String name() {
        return url.substring(url.lastIndexOf('/') + 1);
    }

    boolean fifo() {
        return "true".equalsIgnoreCase(attributes.get("FifoQueue")) || name().endsWith(".fifo");
    }

    boolean contentBasedDeduplication() {
        return "true".equalsIgnoreCase(attributes.get("ContentBasedDeduplication"));
    }

    Duration visibilityTimeout() {
        return Duration.ofSeconds(Long.parseLong(attributes.getOrDefault("VisibilityTimeout", "30")));
    }

    /** Null when the endpoint does not report it. */
    Duration retention() {
        String v = attributes.get("MessageRetentionPeriod");
        return v == null ? null : Duration.ofSeconds(Long.parseLong(v));
    }

    String policy() {
        return attributes.get("Policy");
    }

    /** The CMK id/ARN/alias, or null for SSE-SQS or no encryption. */
    String kmsKey() {
        String k = attributes.get("KmsMasterKeyId");
        return k == null || k.isBlank() ? null : k;
    }

    /** The redrive policy, or null. */
    JsonNode redrive() {
        String v = attributes.get("RedrivePolicy");
        if (v == null || v.isBlank()) {
            return null;
        }
        try {
            return JSON.readTree(v);
        } catch (java.io.IOException e) {
            return null;
        }
    }

    String deadLetterArn() {
        JsonNode r = redrive();
        return r == null ? null : r.path("deadLetterTargetArn").asText(null);
    }

    int maxReceiveCount() {
        JsonNode r = redrive();
        return r == null ? 0 : r.path("maxReceiveCount").asInt(0);
    }

    boolean keeps(String attribute) {
        return !dropped.contains(attribute);
    }
}
