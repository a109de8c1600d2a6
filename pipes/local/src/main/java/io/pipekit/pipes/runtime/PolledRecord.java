package io.pipekit.pipes.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * One source record in its Pipes shape, before the poller metadata is added (docs/aws-behaviour.md §1.1).
 *
 * @param fields the source fields in the order AWS emits them (§1.2)
 * @param parsedData the implicitly parsed data field (Kinesis {@code data}, DynamoDB {@code dynamodb},
 *     SQS {@code body}), or null when it is not JSON
 * @param position the shard sequence number, or the SQS receipt handle
 * @param arrival when the source accepted the record (its age for {@code MaximumRecordAgeInSeconds})
 * @param ingestedAt when this runtime read it ({@code <aws.pipes.event.ingestion-time>})
 */
record PolledRecord(ObjectNode fields, JsonNode parsedData, String position, Instant arrival, Instant ingestedAt) {}
