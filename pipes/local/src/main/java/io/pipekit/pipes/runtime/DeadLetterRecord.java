package io.pipekit.pipes.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.UUID;

/**
 * The DLQ message of a stream pipe: metadata about the failed records, never their payload
 * (docs/aws-behaviour.md §1.9). {@code KinesisBatchInfo} / {@code DDBStreamBatchInfo} keys follow the
 * AWS-validated shape; the {@code requestContext} keys besides {@code condition} and
 * {@code approximateInvokeCount} are unverified (§12 question 1).
 */
final class DeadLetterRecord {

    static final String RETRY_ATTEMPTS_EXHAUSTED = "RetryAttemptsExhausted";
    static final String RECORD_AGE_EXCEEDED = "RecordAgeExceeded";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter ISO_MILLIS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private DeadLetterRecord() {}

    static String build(PipeSettings settings, String shardId, List<PolledRecord> records, String condition, int invokeCount) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode context = root.putObject("requestContext");
        context.put("requestId", UUID.randomUUID().toString());
        context.put("pipeArn", settings.pipeArn());
        context.put("condition", condition);
        context.put("approximateInvokeCount", invokeCount);
        root.put("version", "1.0");
        root.put("timestamp", ISO_MILLIS.format(Instant.now()));
        ObjectNode info = root.putObject(settings.kind().batchInfoKey);
        info.put("shardId", shardId);
        info.put("startSequenceNumber", records.getFirst().position());
        info.put("endSequenceNumber", records.getLast().position());
        info.put("approximateArrivalOfFirstRecord", ISO_MILLIS.format(records.getFirst().arrival()));
        info.put("approximateArrivalOfLastRecord", ISO_MILLIS.format(records.getLast().arrival()));
        info.put("batchSize", records.size());
        info.put("streamArn", settings.sourceArn());
        return RecordRenderer.write(root);
    }
}
