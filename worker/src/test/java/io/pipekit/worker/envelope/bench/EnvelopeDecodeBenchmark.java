package io.pipekit.worker.envelope.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pipekit.worker.QueueMessage;
import io.pipekit.worker.envelope.Envelope;
import io.pipekit.worker.envelope.EnvelopeDecoder;
import io.pipekit.worker.envelope.EventBridgeEvent;
import io.pipekit.worker.envelope.Fixtures;
import io.pipekit.worker.envelope.KitEnvelope;
import io.pipekit.worker.envelope.PipesDynamoDbRecord;
import io.pipekit.worker.envelope.PipesKinesisRecord;
import io.pipekit.worker.envelope.PipesSqsRecord;
import io.pipekit.worker.envelope.RawMessage;
import io.pipekit.worker.envelope.S3Notification;
import io.pipekit.worker.envelope.SnsNotification;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Decode cost per envelope kind, beside the baseline of a bare Jackson {@code readTree} of the
 * same body. {@code decode} is what the poll path pays (detect + read fields; nested payloads stay
 * lazy); {@code decodeAndPayload} adds what a typical handler then asks for (the Kinesis data as JSON,
 * the SNS inner envelope and its detail, DynamoDB images as maps, …). Run with {@link EnvelopeBench}.
 */
@State(Scope.Benchmark)
// Per-call sampled time, not throughput: a call takes microseconds, far less than a scheduler time
// slice, so the median call time barely moves when other processes share the CPUs — unlike
// throughput, which counts the time this thread was not running.
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class EnvelopeDecodeBenchmark {

    @Param({"pipes-kinesis-json", "pipes-dynamodb-modify", "pipes-sqs-fifo", "eventbridge-s3-object-created",
            "sns-eventbridge", "s3-put", "kit-kinesis", "raw-json"})
    public String fixture;

    private final EnvelopeDecoder decoder = new EnvelopeDecoder();
    private final ObjectMapper plainJackson = new ObjectMapper();
    private QueueMessage message;
    private String body;

    @Setup
    public void load() {
        message = Fixtures.fixture(fixture + ".json");
        body = message.body();
    }

    @Benchmark
    public JsonNode readTree() throws Exception {
        return plainJackson.readTree(body);
    }

    @Benchmark
    public Envelope decode() {
        return decoder.decode(message);
    }

    @Benchmark
    public Object decodeAndPayload() {
        return touchPayload(decoder.decode(message));
    }

    private static Object touchPayload(Envelope envelope) {
        return switch (envelope) {
            case PipesKinesisRecord k -> k.data().json();
            case PipesDynamoDbRecord d -> d.newImage();
            case PipesSqsRecord s -> s.body().json();
            case EventBridgeEvent e -> e.detail().json();
            case SnsNotification n -> touchPayload(n.inner());
            case S3Notification s3 -> s3.keys();
            case KitEnvelope k -> k.data().json();
            case RawMessage r -> r.body().json();
            default -> throw new IllegalStateException("unexpected " + envelope.summary());
        };
    }
}
