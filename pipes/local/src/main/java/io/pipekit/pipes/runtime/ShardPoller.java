package io.pipekit.pipes.runtime;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one shard in order and delivers it batch by batch (docs/aws-behaviour.md §1.1, §1.9): filter, add
 * metadata, render, {@code SendMessageBatch}; the checkpoint moves past a batch only once it was
 * delivered, sent to the DLQ, or filtered out entirely. While a batch fails, the shard is blocked.
 */
final class ShardPoller implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(ShardPoller.class);
    private static final int READ_LIMIT = 1000;

    private final PipeRunner runner;
    private final StreamSource source;
    private final String shardId;
    private final PipeSettings settings;
    private String firstIterator;

    ShardPoller(PipeRunner runner, StreamSource source, String shardId) {
        this.runner = runner;
        this.source = source;
        this.shardId = shardId;
        this.settings = runner.settings();
    }

    @Override
    public void run() {
        int failures = 0;
        while (runner.isRunning()) {
            try {
                if (poll()) {
                    runner.shardFinished(shardId);
                }
                return;
            } catch (StreamSource.SourceGoneException e) {
                runner.sourceGone(e.getMessage());
                return;
            } catch (RuntimeException e) {
                if (!runner.isRunning()) {
                    return;
                }
                // internal error (emulator unreachable, throttling): retried without limit (docs/aws-behaviour.md §1.9)
                LOG.warn("pipe {} shard {}: {}; resuming from the checkpoint", settings.pipeName(), shardId, e.toString());
                if (!runner.pause(runner.backoff().delay(failures++))) {
                    return;
                }
            }
        }
    }

    /** Resolves the starting iterator now, on the caller's thread (see {@link PipeRunner#start()}). */
    void resolveFirstIterator() {
        firstIterator = newIterator();
    }

    /** Returns true when the shard is closed and fully delivered; false when stopped. */
    private boolean poll() {
        String iterator = firstIterator != null ? firstIterator : newIterator();
        firstIterator = null;
        Deque<PolledRecord> pending = new ArrayDeque<>();
        while (runner.isRunning()) {
            Instant windowEnd = Instant.now().plus(settings.batchingWindow());
            while (iterator != null && pending.size() < settings.batchSize() && runner.isRunning()) {
                StreamSource.Read read;
                try {
                    read = source.read(iterator, READ_LIMIT);
                } catch (StreamSource.IteratorExpiredException e) {
                    pending.clear();
                    iterator = newIterator();
                    continue;
                }
                pending.addAll(read.records());
                iterator = read.nextIterator();
                if (pending.size() >= settings.batchSize()) {
                    break;
                }
                Duration left = Duration.between(Instant.now(), windowEnd);
                if (!pending.isEmpty() && (settings.batchingWindow().isZero() || left.isNegative())) {
                    break;
                }
                if (read.records().isEmpty() || !left.isNegative()) {
                    Duration idle = runner.options().idlePollInterval();
                    if (!runner.pause(pending.isEmpty() || left.isNegative() || left.compareTo(idle) > 0 ? idle : left)) {
                        return false;
                    }
                }
            }
            if (pending.isEmpty()) {
                if (iterator == null) {
                    return true;
                }
                continue;
            }
            List<PolledRecord> batch = new ArrayList<>(settings.batchSize());
            while (!pending.isEmpty() && batch.size() < settings.batchSize()) {
                batch.add(pending.poll());
            }
            if (!deliver(batch)) {
                return false;
            }
            runner.checkpoint(shardId, batch.getLast().position());
        }
        return false;
    }

    private String newIterator() {
        String checkpoint = runner.checkpointOf(shardId);
        StreamSource.StartAt start = PipeRunner.LATEST_MARK.equals(checkpoint) ? new StreamSource.StartAt.Latest()
                : checkpoint != null ? new StreamSource.StartAt.AfterSequence(checkpoint)
                : switch (settings.startingPosition()) {
                    // a shard born while the pipe ran: from its start, or its first records would be lost
                    case "LATEST" -> runner.isChildShard(shardId) ? new StreamSource.StartAt.TrimHorizon() : new StreamSource.StartAt.Latest();
                    case "AT_TIMESTAMP" -> new StreamSource.StartAt.AtTimestamp(settings.startingPositionTimestamp());
                    default -> new StreamSource.StartAt.TrimHorizon();
                };
        return source.iterator(shardId, start);
    }

    /** A record that passed the filter, ready to send. {@code message} is null if it could not be rendered. */
    private record Entry(PolledRecord record, SqsTarget.Message message, String renderError) {}

    /** Delivers, retries, dead-letters; returns false only when the pipe stopped first (no checkpoint). */
    private boolean deliver(List<PolledRecord> batch) {
        List<Entry> remaining = new ArrayList<>();
        int index = 0;
        for (PolledRecord record : batch) {
            // docs/aws-behaviour.md §1.1: filter on the source fields, then add the metadata
            if (!settings.filter().matches(record.fields(), record.parsedData())) {
                continue;
            }
            ObjectNode event = source.withMetadata(record, shardId, settings);
            try {
                remaining.add(new Entry(record, runner.renderer().render(index++, event, record.parsedData(), record.ingestedAt()), null));
            } catch (RuntimeException e) {
                remaining.add(new Entry(record, null, e.getMessage()));
            }
        }
        runner.metrics().filtered(batch.size() - remaining.size());
        int invokes = 0;
        int customerFailures = 0;
        int attempt = 0;
        while (true) {
            if (settings.maximumRecordAgeSeconds() >= 0) {
                remaining = dropExpired(remaining, invokes);
            }
            if (remaining.isEmpty()) {
                return true;
            }
            invokes++;
            List<SqsTarget.Message> messages = remaining.stream().map(Entry::message).filter(m -> m != null).toList();
            List<SqsTarget.Failure> failures = new ArrayList<>(runner.target().send(messages));
            runner.metrics().delivered(messages.size() - failures.size());
            java.util.Set<Integer> failed = new java.util.HashSet<>();
            failures.forEach(f -> failed.add(f.message().index()));
            boolean customer = failures.stream().anyMatch(SqsTarget.Failure::customer);
            List<Entry> next = new ArrayList<>();
            for (Entry entry : remaining) {
                if (entry.message() == null) {
                    next.add(entry);
                    customer = true;
                } else if (failed.contains(entry.message().index())) {
                    next.add(entry);
                }
            }
            if (failures.size() < messages.size()) {
                runner.targetDelivered();
            }
            if (next.isEmpty()) {
                return true;
            }
            remaining = next;
            String reason = failures.isEmpty() ? remaining.getFirst().renderError() : failures.getFirst().code() + ": " + failures.getFirst().reason();
            if (customer) {
                customerFailures++;
                runner.targetFailed(reason);
                if (!runner.isRunning()) {
                    return false; // stopped for a target that keeps refusing: no checkpoint, StartPipe retries the batch
                }
                if (settings.maximumRetryAttempts() >= 0 && customerFailures > settings.maximumRetryAttempts()) {
                    return deadLetter(remaining, DeadLetterRecord.RETRY_ATTEMPTS_EXHAUSTED, invokes, reason);
                }
            }
            LOG.warn("pipe {} shard {}: {} of {} records not delivered ({}), retrying", settings.pipeName(), shardId, remaining.size(), batch.size(), reason);
            if (!runner.pause(runner.backoff().delay(attempt++))) {
                return false;
            }
        }
    }

    private List<Entry> dropExpired(List<Entry> entries, int invokes) {
        Instant oldestAllowed = Instant.now().minusSeconds(settings.maximumRecordAgeSeconds());
        List<Entry> expired = new ArrayList<>();
        List<Entry> fresh = new ArrayList<>();
        for (Entry entry : entries) {
            (entry.record().arrival().isBefore(oldestAllowed) ? expired : fresh).add(entry);
        }
        if (!expired.isEmpty()) {
            deadLetter(expired, DeadLetterRecord.RECORD_AGE_EXCEEDED, invokes, "older than MaximumRecordAgeInSeconds=" + settings.maximumRecordAgeSeconds());
        }
        return fresh;
    }

    private boolean deadLetter(List<Entry> entries, String condition, int invokes, String reason) {
        List<PolledRecord> records = entries.stream().map(Entry::record).toList();
        if (settings.deadLetterArn() == null) {
            // AWS discards such records; say so loudly rather than silently
            LOG.warn("pipe {} shard {}: discarding {} records {}..{} ({}; last error {}); set DeadLetterConfig to keep a record of them",
                    settings.pipeName(), shardId, records.size(), records.getFirst().position(), records.getLast().position(), condition, reason);
            runner.metrics().discarded(records.size());
            return true;
        }
        String body = DeadLetterRecord.build(settings, shardId, records, condition, invokes);
        if (PipeSettings.isSnsTopic(settings.deadLetterArn())) {
            // the local stack has no SNS: say exactly what AWS would have published, then move on as AWS would
            LOG.error("pipe {} shard {}: {} records {}..{} LOST: their DLQ is the SNS topic {}, and the local stack has no SNS. "
                    + "AWS would publish: {}", settings.pipeName(), shardId, records.size(), records.getFirst().position(),
                    records.getLast().position(), settings.deadLetterArn(), body);
            runner.metrics().discarded(records.size());
            return true;
        }
        int attempt = 0;
        while (runner.isRunning()) {
            List<SqsTarget.Failure> failures = runner.deadLetterTarget().send(List.of(new SqsTarget.Message(0, body, null, null)));
            if (failures.isEmpty()) {
                LOG.warn("pipe {} shard {}: {} records {}..{} sent to the DLQ ({}; last error {})",
                        settings.pipeName(), shardId, records.size(), records.getFirst().position(), records.getLast().position(), condition, reason);
                runner.metrics().deadLettered(records.size());
                return true;
            }
            LOG.warn("pipe {}: DLQ {} refused the failure record ({}), retrying", settings.pipeName(), settings.deadLetterArn(), failures.getFirst().code());
            if (!runner.pause(runner.backoff().delay(attempt++))) {
                return false;
            }
        }
        return false;
    }
}
