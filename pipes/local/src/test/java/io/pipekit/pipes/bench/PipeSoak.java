package io.pipekit.pipes.bench;

import io.pipekit.local.EmbeddedSqs;
import io.pipekit.local.KinesisBackend;
import io.pipekit.local.LocalCloud;
import io.pipekit.pipes.runtime.PipeDefinition;
import io.pipekit.pipes.runtime.PipeState;
import io.pipekit.pipes.runtime.PipesRuntime;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * Soak benchmark, not a test: RATE records/s into one Kinesis stream of SHARDS shards for SECONDS,
 * read by the local pipe (→ queue "piped") and, in the same run, by a bare GetRecords→SendMessageBatch
 * loop per shard (→ queue "bare"). Prints delivered counts, duplicates, lag p50/p99 of both paths,
 * the ratio, and a verdict against the targets: 0 lost, pipe p99 ≤ 500 ms, pipe p50 and p99 at most
 * 10 % above the bare loop's.
 *
 * <p>Run: {@code ./bench soak RATE SECONDS BACKEND ROUNDS SHARDS}, e.g. {@code ./bench soak 5000 60 kinesalite 1 4}
 * from the repository root.
 */
public final class PipeSoak {

    private static final Duration IDLE_POLL = Duration.ofMillis(200);
    private static final long TARGET_P99_MS = 500;
    private static final double TARGET_ADDED = 0.10;
    private static int shards = 4;

    public static void main(String[] args) throws Exception {
        int rate = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        KinesisBackend backend = args.length > 2 ? KinesisBackend.parse(args[2]) : KinesisBackend.KINESALITE;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        shards = args.length > 4 ? Integer.parseInt(args[4]) : 4;
        System.out.printf("soak: %d records/s, %d shards, %d s per phase, %d round(s), %s; %d cores, load average %.1f%n",
                rate, shards, seconds, rounds, backend, Runtime.getRuntime().availableProcessors(),
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        PipesRuntime.Options options = PipesRuntime.Options.defaults().withIdlePollInterval(IDLE_POLL);
        try (LocalCloud cloud = LocalCloud.builder().withKinesis(backend).withPipes(options).start();
                KinesisClient kinesis = cloud.kinesisClient();
                SqsClient sqs = cloud.sqsClient()) {
            System.out.printf("LocalCloud %s up in %d ms (backend %s)%n", cloud.services(), cloud.startupTime().toMillis(), backend);
            // the two paths run one after the other in this JVM, each alone on the 2 cores, on a fresh
            // stream, after a short warm-up of both so neither pays for JIT compilation
            int warmup = Math.min(10, seconds);
            phase("warmup-bare", rate, warmup, cloud, kinesis, sqs, false).report("warmup bare loop     ");
            phase("warmup-piped", rate, warmup, cloud, kinesis, sqs, true).report("warmup pipe (runtime)");
            // rounds alternate the order (bare, piped), (piped, bare), ... so neither path always runs first
            List<Long> bareP50 = new ArrayList<>();
            List<Long> bareP99 = new ArrayList<>();
            List<Long> pipeP50 = new ArrayList<>();
            List<Long> pipeP99 = new ArrayList<>();
            long lost = 0;
            long duplicates = 0;
            for (int round = 0; round < rounds; round++) {
                Collector bare = null;
                Collector piped = null;
                for (int leg = 0; leg < 2; leg++) {
                    if ((leg == 0) == (round % 2 == 0)) {
                        bare = phase("bare-" + round, rate, seconds, cloud, kinesis, sqs, false);
                    } else {
                        piped = phase("piped-" + round, rate, seconds, cloud, kinesis, sqs, true);
                    }
                }
                bare.report("round " + round + " bare loop     ");
                piped.report("round " + round + " pipe (runtime)");
                bareP50.add(bare.percentile(50));
                bareP99.add(bare.percentile(99));
                pipeP50.add(piped.percentile(50));
                pipeP99.add(piped.percentile(99));
                lost += piped.produced - piped.count();
                duplicates += piped.duplicates.get();
            }
            long b50 = median(bareP50);
            long b99 = median(bareP99);
            long p50 = median(pipeP50);
            long p99 = median(pipeP99);
            System.out.printf("MEDIAN over %d rounds: bare p50 %d ms p99 %d ms | pipe p50 %d ms p99 %d ms | added by the runtime p50 %+d ms (x%.2f), p99 %+d ms (x%.2f)%n",
                    rounds, b50, b99, p50, p99, p50 - b50, (double) p50 / Math.max(1, b50), p99 - b99, (double) p99 / Math.max(1, b99));
            boolean noLoss = lost == 0;
            boolean p99Ok = p99 <= TARGET_P99_MS;
            boolean addedOk = p50 <= b50 * (1 + TARGET_ADDED) && p99 <= b99 * (1 + TARGET_ADDED);
            System.out.printf("VERDICT %s: lost %d (target 0) %s | pipe p99 %d ms (target <= %d) %s | runtime adds p50 %+.0f%%, p99 %+.0f%% (target <= +%.0f%%) %s | duplicates %d%n",
                    noLoss && p99Ok && addedOk ? "PASS" : "FAIL", lost, ok(noLoss), p99, TARGET_P99_MS, ok(p99Ok),
                    100.0 * (p50 - b50) / Math.max(1, b50), 100.0 * (p99 - b99) / Math.max(1, b99), TARGET_ADDED * 100, ok(addedOk), duplicates);
        }
    }

    private static String ok(boolean met) {
        return met ? "ok" : "MISSED";
    }

    private static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    private static Collector phase(String name, int rate, int seconds, LocalCloud cloud, KinesisClient kinesis, SqsClient sqs, boolean viaPipe)
            throws InterruptedException {
        kinesis.createStream(b -> b.streamName(name).shardCount(shards));
        while (kinesis.describeStreamSummary(b -> b.streamName(name)).streamDescriptionSummary().streamStatus() != StreamStatus.ACTIVE) {
            Thread.sleep(50);
        }
        String queue = cloud.sqs().createQueue(name, Map.of());
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> threads = new ArrayList<>();
        if (viaPipe) {
            cloud.pipes().create(PipeDefinition.builder(name).source("arn:aws:kinesis:us-east-1:000000000000:stream/" + name)
                    .target(EmbeddedSqs.queueArn(name))
                    .sourceParameters("KinesisStreamParameters", "{\"StartingPosition\":\"LATEST\",\"BatchSize\":10}").build());
            while (cloud.pipes().describe(name).currentState() != PipeState.RUNNING) {
                Thread.sleep(20);
            }
        } else {
            // the baseline: the least a poller can do, with the same idle wait as the runtime
            for (var shard : kinesis.listShards(b -> b.streamName(name)).shards()) {
                String start = kinesis.getShardIterator(b -> b.streamName(name).shardId(shard.shardId()).shardIteratorType(ShardIteratorType.LATEST)).shardIterator();
                threads.add(Thread.ofVirtual().start(() -> bareLoop(kinesis, sqs, queue, start, running)));
            }
        }
        Thread.sleep(1000); // readers positioned at LATEST (the pipe reads its iterators asynchronously) before the first put
        Collector collector = new Collector(sqs, queue, running);
        // enough receivers that the queue never backs up: each takes ≤ 10 messages per call
        for (int i = 0; i < Math.max(3, rate / 500); i++) {
            threads.add(Thread.ofVirtual().start(collector));
        }
        long produced = produce(kinesis, name, rate, seconds);
        long deadline = System.nanoTime() + Duration.ofSeconds(Math.max(60, seconds)).toNanos();
        while (collector.count() < produced && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        running.set(false);
        if (viaPipe) {
            System.out.println("pipe metrics: " + cloud.pipes().metrics(name));
            cloud.pipes().stop(name);
        }
        for (Thread thread : threads) {
            thread.join(Duration.ofSeconds(25));
        }
        collector.produced = produced;
        return collector;
    }

    /**
     * Puts {@code rate} records a second for {@code seconds}, from one thread per shard so a put's
     * latency does not cap the rate; each record carries a unique id and its put time.
     */
    private static long produce(KinesisClient kinesis, String stream, int rate, int seconds) throws InterruptedException {
        int producers = Math.max(1, Math.min(shards, rate / 100));
        AtomicLong total = new AtomicLong();
        long start = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int producer = p;
            int share = rate / producers + (p < rate % producers ? 1 : 0);
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    total.addAndGet(produceShare(kinesis, stream, share, seconds, producer, producers, start));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        long elapsed = (System.nanoTime() - start) / 1_000_000;
        long id = total.get();
        System.out.printf("producer (%s): %d records in %d ms (%.0f/s, target %d/s, %d threads)%n", stream, id, elapsed, id * 1000.0 / elapsed, rate, producers);
        return id;
    }

    /** One producer's share: 10 slices a second; ids {@code producer, producer + producers, ...} so they never collide. */
    private static long produceShare(KinesisClient kinesis, String stream, int rate, int seconds, int producer, int producers, long start)
            throws InterruptedException {
        int perSlice = Math.max(1, rate / 10);
        long id = producer;
        long count = 0;
        long slices = seconds * 10L;
        for (long slice = 0; slice < slices; slice++) {
            long due = start + slice * 100_000_000L;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            List<PutRecordsRequestEntry> entries = new ArrayList<>(perSlice);
            for (int i = 0; i < perSlice; i++) {
                String payload = "{\"id\":" + id + ",\"sentAt\":" + System.currentTimeMillis() + ",\"pad\":\"" + "x".repeat(80) + "\"}";
                entries.add(PutRecordsRequestEntry.builder().partitionKey(Long.toString(id)).data(SdkBytes.fromUtf8String(payload)).build());
                id += producers;
                count++;
            }
            var response = kinesis.putRecords(b -> b.streamName(stream).records(entries));
            if (response.failedRecordCount() != null && response.failedRecordCount() > 0) {
                throw new IllegalStateException(response.failedRecordCount() + " puts failed");
            }
        }
        return count;
    }

    private static void bareLoop(KinesisClient kinesis, SqsClient sqs, String queueUrl, String firstIterator, AtomicBoolean running) {
        String iterator = firstIterator;
        try {
            while (running.get() && iterator != null) {
                String current = iterator;
                GetRecordsResponse response = kinesis.getRecords(b -> b.shardIterator(current).limit(1000));
                List<Record> records = response.records();
                for (int from = 0; from < records.size(); from += 10) {
                    List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
                    for (int i = from; i < Math.min(from + 10, records.size()); i++) {
                        Record record = records.get(i);
                        entries.add(SendMessageBatchRequestEntry.builder().id(Integer.toString(i - from))
                                .messageBody("{\"data\":\"" + java.util.Base64.getEncoder().encodeToString(record.data().asByteArrayUnsafe()) + "\"}").build());
                    }
                    sqs.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(entries));
                }
                iterator = response.nextShardIterator();
                if (records.isEmpty()) {
                    Thread.sleep(IDLE_POLL.toMillis());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Receives and deletes a queue's messages, recording each record's lag and id. */
    private static final class Collector implements Runnable {
        private final SqsClient sqs;
        private final String queueUrl;
        private final AtomicBoolean running;
        private final Map<Long, Boolean> ids = new ConcurrentHashMap<>();
        private final AtomicLong received = new AtomicLong();
        private final AtomicLong duplicates = new AtomicLong();
        private final List<Long> lags = java.util.Collections.synchronizedList(new ArrayList<>());
        private long[] sorted;
        /** Part of the lag until the record was in the target queue (SQS SentTimestamp): the poller's share. */
        private final List<Long> toQueue = java.util.Collections.synchronizedList(new ArrayList<>());
        long produced;

        Collector(SqsClient sqs, String queueUrl, AtomicBoolean running) {
            this.sqs = sqs;
            this.queueUrl = queueUrl;
            this.running = running;
        }

        @Override
        public void run() {
            while (running.get()) {
                List<Message> messages = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1)
                        .messageSystemAttributeNames(software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName.SENT_TIMESTAMP)).messages();
                long now = System.currentTimeMillis();
                if (messages.isEmpty()) {
                    continue;
                }
                List<DeleteMessageBatchRequestEntry> deletes = new ArrayList<>();
                for (int i = 0; i < messages.size(); i++) {
                    String payload = payload(messages.get(i).body());
                    long id = number(payload, "\"id\":");
                    long sentAt = number(payload, "\"sentAt\":");
                    lags.add(now - sentAt);
                    long enqueued = Long.parseLong(messages.get(i).attributes().get(software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName.SENT_TIMESTAMP));
                    toQueue.add(enqueued - sentAt);
                    if (ids.put(id, Boolean.TRUE) != null) {
                        duplicates.incrementAndGet();
                    }
                    received.incrementAndGet();
                    deletes.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(i)).receiptHandle(messages.get(i).receiptHandle()).build());
                }
                sqs.deleteMessageBatch(b -> b.queueUrl(queueUrl).entries(deletes));
            }
        }

        long count() {
            return ids.size();
        }

        long percentile(int p) {
            if (sorted == null) {
                synchronized (lags) {
                    sorted = lags.stream().mapToLong(Long::longValue).toArray();
                }
                Arrays.sort(sorted);
            }
            return sorted.length == 0 ? -1 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
        }

        void report(String name) {
            long[] queued;
            synchronized (toQueue) {
                queued = toQueue.stream().mapToLong(Long::longValue).sorted().toArray();
            }
            System.out.printf("%s: delivered %d distinct of %d (missing %d, duplicates %d), end-to-end lag p50 %d ms, p99 %d ms, max %d ms; put->enqueued p50 %d ms, p99 %d ms%n",
                    name, count(), produced, produced - count(), duplicates.get(), percentile(50), percentile(99), percentile(100),
                    queued.length == 0 ? -1 : queued[queued.length / 2], queued.length == 0 ? -1 : queued[Math.max(0, (int) Math.ceil(0.99 * queued.length) - 1)]);
        }

        private static String payload(String body) {
            int start = body.indexOf("\"data\":\"") + 8;
            String base64 = body.substring(start, body.indexOf('"', start));
            return new String(java.util.Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
        }

        private static long number(String json, String key) {
            int start = json.indexOf(key) + key.length();
            int end = start;
            while (end < json.length() && Character.isDigit(json.charAt(end))) {
                end++;
            }
            return Long.parseLong(json.substring(start, end));
        }
    }

    private PipeSoak() {}

}
