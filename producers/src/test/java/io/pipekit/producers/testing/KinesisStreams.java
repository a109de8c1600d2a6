package io.pipekit.producers.testing;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/** Creates a Kinesis stream and waits for it; reads every record of every shard from TRIM_HORIZON up to the tip. */
public final class KinesisStreams {

    private KinesisStreams() {}

    /** Creates a stream and waits until it is ACTIVE. */
    public static void create(KinesisClient kinesis, String name, int shards) {
        kinesis.createStream(b -> b.streamName(name).shardCount(shards));
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(25)).until(() ->
                kinesis.describeStreamSummary(b -> b.streamName(name)).streamDescriptionSummary().streamStatus()
                        == StreamStatus.ACTIVE);
    }

    public static List<Record> readAll(KinesisClient kinesis, String stream) {
        List<Record> out = new ArrayList<>();
        for (Shard shard : kinesis.listShards(b -> b.streamName(stream)).shards()) {
            String it = kinesis.getShardIterator(b -> b.streamName(stream).shardId(shard.shardId())
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
            while (it != null) {
                String current = it;
                GetRecordsResponse r = kinesis.getRecords(b -> b.shardIterator(current).limit(10_000));
                out.addAll(r.records());
                if (r.records().isEmpty() && (r.millisBehindLatest() == null || r.millisBehindLatest() == 0)) break;
                it = r.nextShardIterator();
            }
        }
        return out;
    }
}
