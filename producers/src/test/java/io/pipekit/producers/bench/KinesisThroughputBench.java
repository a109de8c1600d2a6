package io.pipekit.producers.bench;

import io.pipekit.local.EmbeddedKinesis;
import io.pipekit.local.KinesisBackend;
import io.pipekit.producers.Producer;
import io.pipekit.producers.RunSummary;
import io.pipekit.producers.Scenario;
import io.pipekit.producers.Targets;
import io.pipekit.producers.TrafficPlan;
import io.pipekit.producers.internal.scenario.EventGenerator;
import io.pipekit.producers.testing.KinesisStreams;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;

/**
 * Highest sustained Kinesis PutRecords rate of the producer (rate unlimited) against kinesis-mock,
 * beside a raw SDK loop (pre-built 500-record PutRecords calls, one thread) in the same JVM and
 * against the same server. Every run writes to a fresh stream, because kinesis-mock's put cost
 * grows with the records a stream holds (docs/emulators.md §4a); one server serves all runs, because a
 * freshly started node process is several times slower until V8 has warmed up (measured: about
 * 300 rec/s cold against 1,000-2,000 warm). A warm-up round is discarded, and rounds alternate
 * which side goes first. Prints the median of each side and the ratio producer/raw. Not a test.
 *
 * <p>Run: {@code ./bench producer [records-per-run] [rounds] [concurrency]}
 */
public final class KinesisThroughputBench {

    public static void main(String[] args) throws Exception {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : 3_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int concurrency = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        int shards = 2;
        System.out.printf(Locale.ROOT, "kinesis-mock, %d records per run, %d shards, %d rounds (+1 warm-up), producer concurrency %d, %d cores%n",
                records, shards, rounds, concurrency, Runtime.getRuntime().availableProcessors());
        try (EmbeddedKinesis mock = EmbeddedKinesis.start(KinesisBackend.KINESIS_MOCK); KinesisClient kinesis = mock.newClient()) {
            double[] raw = new double[rounds];
            double[] producer = new double[rounds];
            for (int round = -1; round < rounds; round++) {
                boolean rawFirst = round % 2 == 0;
                double r1 = rawFirst ? rawLoop(kinesis, round, records, shards) : produce(kinesis, round, records, shards, concurrency);
                double r2 = rawFirst ? produce(kinesis, round, records, shards, concurrency) : rawLoop(kinesis, round, records, shards);
                double rawRate = rawFirst ? r1 : r2;
                double prodRate = rawFirst ? r2 : r1;
                System.out.printf(Locale.ROOT, "round %s: raw %8.0f rec/s   producer %8.0f rec/s   ratio %.2f%n",
                        round < 0 ? "warm" : Integer.toString(round + 1), rawRate, prodRate, prodRate / rawRate);
                if (round >= 0) {
                    raw[round] = rawRate;
                    producer[round] = prodRate;
                }
            }
            double rawMedian = median(raw);
            double prodMedian = median(producer);
            System.out.printf(Locale.ROOT, "MEDIAN raw SDK loop %.0f rec/s, producer %.0f rec/s, ratio producer/raw %.2f%n",
                    rawMedian, prodMedian, prodMedian / rawMedian);
        }
    }

    private static double produce(KinesisClient kinesis, int round, int records, int shards, int concurrency) {
        String stream = "prod-" + (round + 1);
        KinesisStreams.create(kinesis, stream, shards);
        TrafficPlan plan = TrafficPlan.of(Scenario.ORDERS).withCount(records).withKeys(io.pipekit.producers.KeySpace.uniform(1000))
                .withConcurrency(concurrency);
        RunSummary s = Producer.run(plan, Targets.kinesis(kinesis, stream));
        if (s.sent() != records) throw new IllegalStateException("producer sent " + s.sent() + " of " + records + ": " + s.toText());
        return s.achievedRate();
    }

    /** The baseline: what a hand-written loop does with the same events, already serialized and batched. */
    private static double rawLoop(KinesisClient kinesis, int round, int records, int shards) {
        String stream = "raw-" + (round + 1);
        KinesisStreams.create(kinesis, stream, shards);
        EventGenerator g = new EventGenerator(TrafficPlan.of(Scenario.ORDERS).withCount(records)
                .withKeys(io.pipekit.producers.KeySpace.uniform(1000)));
        List<List<PutRecordsRequestEntry>> batches = new ArrayList<>();
        List<PutRecordsRequestEntry> batch = new ArrayList<>();
        for (int i = 0; i < records; i++) {
            var e = g.next(Instant.now());
            batch.add(PutRecordsRequestEntry.builder().data(SdkBytes.fromUtf8String(e.toJson())).partitionKey(e.key()).build());
            if (batch.size() == 500) {
                batches.add(batch);
                batch = new ArrayList<>();
            }
        }
        if (!batch.isEmpty()) batches.add(batch);
        long t0 = System.nanoTime();
        long sent = 0;
        for (List<PutRecordsRequestEntry> b : batches) {
            PutRecordsResponse r = kinesis.putRecords(x -> x.streamName(stream).records(b));
            sent += b.size() - r.failedRecordCount();
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        if (sent != records) throw new IllegalStateException("raw loop: " + (records - sent) + " records failed");
        return sent / secs;
    }

    private static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
