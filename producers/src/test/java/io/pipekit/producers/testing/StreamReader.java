package io.pipekit.producers.testing;

import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/** Reads every record of every shard of a stream from TRIM_HORIZON up to the tip. */
public final class StreamReader {

    private StreamReader() {}

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
