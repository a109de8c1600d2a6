package io.pipekit.producers.internal.targets;

import io.pipekit.producers.SampleEvent;
import io.pipekit.producers.Target;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/**
 * Kinesis {@code PutRecords}: at most 500 records and 5 MiB per call, each record (data plus
 * partition key) at most 1 MiB. The call succeeds even when some records fail; the failed ones
 * carry an {@code ErrorCode} at their position and are retried alone.
 */
public final class KinesisTarget implements Target<PutRecordsRequestEntry> {

    static final int MAX_RECORDS = 500;
    static final long MAX_BATCH_BYTES = 5L * 1024 * 1024;
    static final int MAX_RECORD_BYTES = 1024 * 1024;

    private final KinesisClient client;
    private final String stream;
    private final boolean byArn;

    /** @param stream a stream name or a stream ARN */
    public KinesisTarget(KinesisClient client, String stream) {
        this.client = client;
        this.stream = stream;
        this.byArn = stream.startsWith("arn:");
    }

    @Override
    public String describe() {
        return "kinesis:" + stream;
    }

    @Override
    public int maxBatchEntries() {
        return MAX_RECORDS;
    }

    @Override
    public long maxBatchBytes() {
        return MAX_BATCH_BYTES;
    }

    @Override
    public Entry<PutRecordsRequestEntry> encode(SampleEvent event) {
        byte[] data = event.toJson().getBytes(StandardCharsets.UTF_8);
        int bytes = data.length + event.key().getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_RECORD_BYTES) {
            throw new IllegalArgumentException("a Kinesis record is limited to 1 MiB (data + partition key); this one is " + bytes + " bytes");
        }
        PutRecordsRequestEntry r = PutRecordsRequestEntry.builder()
                .data(SdkBytes.fromByteArrayUnsafe(data))
                .partitionKey(event.key())
                .build();
        return new Entry<>(event, r, bytes, null);
    }

    @Override
    public List<Outcome> send(List<Entry<PutRecordsRequestEntry>> batch) {
        List<PutRecordsRequestEntry> records = new ArrayList<>(batch.size());
        for (Entry<PutRecordsRequestEntry> e : batch) records.add(e.request());
        PutRecordsRequest.Builder req = PutRecordsRequest.builder().records(records);
        PutRecordsResponse resp = client.putRecords(byArn ? req.streamARN(stream).build() : req.streamName(stream).build());
        List<Outcome> out = new ArrayList<>(batch.size());
        for (PutRecordsResultEntry r : resp.records()) {
            out.add(outcome(r));
        }
        return out;
    }

    private static Outcome outcome(PutRecordsResultEntry r) {
        String code = r.errorCode();
        if (code == null) return Outcome.DELIVERED;
        // ProvisionedThroughputExceededException, InternalFailure and KMS throttling are transient;
        // KMS key problems (disabled, not found, access denied, ...) will not heal by retrying
        if (code.startsWith("KMS") && !code.equals("KMSThrottlingException")) {
            return new Outcome.Reject(code, r.errorMessage());
        }
        return new Outcome.Retry(code);
    }
}
