package io.pipekit.worker.envelope;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Picks an envelope kind from a parsed JSON object, checking docs/aws-behaviour.md §10.1's rules in its
 * order. Only field presence and a few constant values are looked at; reading the fields (and
 * failing on wrong types) is each record's {@code read}.
 */
final class KindDetector {

    private KindDetector() {
    }

    static EnvelopeKind detect(JsonNode body) {
        // 1. SNS envelope (raw delivery off)
        if (is(body, "Type", "Notification") && body.has("TopicArn") && body.has("Message")) {
            return EnvelopeKind.SNS;
        }
        // 2. S3 test event: no Records
        if (is(body, "Event", "s3:TestEvent")) {
            return EnvelopeKind.S3_TEST;
        }
        // 3. S3 notification
        JsonNode records = body.get("Records");
        if (records != null && records.isArray() && !records.isEmpty() && is(records.get(0), "eventSource", "aws:s3")) {
            return EnvelopeKind.S3;
        }
        // 4. EventBridge event (S3-via-EventBridge included: source aws.s3)
        if (is(body, "version", "0") && body.has("detail-type") && body.has("source") && body.has("detail")) {
            return EnvelopeKind.EVENTBRIDGE;
        }
        JsonNode eventSource = body.get("eventSource");
        if (eventSource != null && eventSource.isTextual()) {
            switch (eventSource.textValue()) {
                // 5. flat Pipes Kinesis record (Lambda's shape would nest data under "kinesis")
                case "aws:kinesis" -> {
                    if (body.has("kinesisSchemaVersion") && body.has("data")) {
                        return EnvelopeKind.PIPES_KINESIS;
                    }
                }
                // 6. Pipes DynamoDB record
                case "aws:dynamodb" -> {
                    if (body.has("dynamodb")) {
                        return EnvelopeKind.PIPES_DYNAMODB;
                    }
                }
                // 7. Pipes SQS record
                case "aws:sqs" -> {
                    if (body.has("body") && body.has("messageId")) {
                        return EnvelopeKind.PIPES_SQS;
                    }
                }
                default -> {
                    // another source: not an envelope the kit knows
                }
            }
        }
        // 8. the kit's own template; any "pipes/…" version is claimed so a newer one fails loudly
        JsonNode kit = body.get("kit");
        if (kit != null && kit.isTextual() && kit.textValue().startsWith("pipes/")) {
            return EnvelopeKind.KIT;
        }
        // 9. anything else
        return EnvelopeKind.RAW;
    }

    private static boolean is(JsonNode node, String field, String value) {
        JsonNode v = node.get(field);
        return v != null && v.isTextual() && value.equals(v.textValue());
    }
}
