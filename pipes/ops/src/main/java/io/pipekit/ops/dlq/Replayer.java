package io.pipekit.ops.dlq;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.pipekit.ops.OpsClients;
import io.pipekit.pipes.transform.JsonPath;
import io.pipekit.pipes.transform.Template;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.Target;
import software.amazon.awssdk.services.pipes.model.DescribePipeResponse;
import software.amazon.awssdk.services.sqs.model.ListMessageMoveTasksResultEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/**
 * Puts what a dead-letter queue holds back where it came from, deleting each DLQ message only after
 * its replay succeeded (docs/operations.md):
 * <ul>
 *   <li>a redriven message goes back to its source queue — with SQS's own {@code StartMessageMoveTask}
 *       when the DLQ holds nothing else, no selection is asked and the server has it; otherwise
 *       receive → send → delete;</li>
 *   <li>a pipe's batch record is turned back into its records by re-reading the shard, filtered and
 *       rendered the way the pipe does, and sent to the pipe's target;</li>
 *   <li>a rule target's failed event is put back on its bus, or with {@code toRuleTarget} sent straight
 *       to the target with the target's input transformation.</li>
 * </ul>
 * A crash mid-replay loses nothing: the DLQ message is still there (invisible until its lease ends),
 * and the journal stops a rerun from sending again what was sent before the crash.
 */
public final class Replayer {

    /** SQS batch limit (docs/aws-behaviour.md §9). */
    static final int MAX_BATCH = 10;
    /** StartMessageMoveTask accepts at most 500 messages per second. */
    static final int MOVE_TASK_MAX_RATE = 500;
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param dryRun read and classify, re-read streams and render, send and delete nothing
     * @param ratePerSecond messages (or records) sent per second at most
     * @param max DLQ messages to replay at most ({@code Integer.MAX_VALUE}: all)
     * @param kinds which kinds to replay ({@code redrive}, {@code pipe-batch}, {@code rule-failure})
     * @param ruleToTarget rule failures go straight to the rule's target instead of back on the bus
     * @param destinationUrl redriven messages go here instead of their source queue (null: the source)
     * @param pipeName the pipe of the batch records, when the record does not name it and several pipes read that stream
     * @param journal file remembering what was sent (null: memory only)
     * @param lease how long a received DLQ message stays invisible while it is replayed
     * @param dropUnrecoverable delete a batch record even when some of its records are gone from the stream
     */
    public record Options(boolean dryRun, double ratePerSecond, int max, Set<String> kinds, boolean ruleToTarget,
            String destinationUrl, String pipeName, Path journal, Duration lease, boolean dropUnrecoverable) {

        public static final Set<String> ALL_KINDS = Set.of("redrive", "pipe-batch", "rule-failure");

        public static Options defaults() {
            return new Options(false, 50, Integer.MAX_VALUE, ALL_KINDS, false, null, null, null, Duration.ofMinutes(5), false);
        }

        public Options withDryRun(boolean v) { return new Options(v, ratePerSecond, max, kinds, ruleToTarget, destinationUrl, pipeName, journal, lease, dropUnrecoverable); }
        public Options withRate(double v) { return new Options(dryRun, v, max, kinds, ruleToTarget, destinationUrl, pipeName, journal, lease, dropUnrecoverable); }
        public Options withMax(int v) { return new Options(dryRun, ratePerSecond, v, kinds, ruleToTarget, destinationUrl, pipeName, journal, lease, dropUnrecoverable); }
        public Options withKinds(Set<String> v) { return new Options(dryRun, ratePerSecond, max, Set.copyOf(v), ruleToTarget, destinationUrl, pipeName, journal, lease, dropUnrecoverable); }
        public Options withRuleToTarget(boolean v) { return new Options(dryRun, ratePerSecond, max, kinds, v, destinationUrl, pipeName, journal, lease, dropUnrecoverable); }
        public Options withDestination(String v) { return new Options(dryRun, ratePerSecond, max, kinds, ruleToTarget, v, pipeName, journal, lease, dropUnrecoverable); }
        public Options withPipe(String v) { return new Options(dryRun, ratePerSecond, max, kinds, ruleToTarget, destinationUrl, v, journal, lease, dropUnrecoverable); }
        public Options withJournal(Path v) { return new Options(dryRun, ratePerSecond, max, kinds, ruleToTarget, destinationUrl, pipeName, v, lease, dropUnrecoverable); }
        public Options withLease(Duration v) { return new Options(dryRun, ratePerSecond, max, kinds, ruleToTarget, destinationUrl, pipeName, journal, v, dropUnrecoverable); }
        public Options withDropUnrecoverable(boolean v) { return new Options(dryRun, ratePerSecond, max, kinds, ruleToTarget, destinationUrl, pipeName, journal, lease, v); }
    }

    /**
     * @param examined DLQ messages looked at
     * @param replayed DLQ messages fully replayed (and deleted, unless a dry run)
     * @param sent messages sent to a queue or bus (records of batch records count one each)
     * @param filtered re-read records the pipe's filter drops (not sent, as the pipe would not)
     * @param alreadySent records or messages an earlier, interrupted replay had sent: not sent again
     * @param failed DLQ messages whose replay failed (kept in the DLQ)
     * @param skipped DLQ messages of kinds not selected (kept)
     * @param kept batch records kept because some of their records are gone from the stream
     * @param notRetained per batch record, which records the stream no longer has
     * @param errors why replays failed
     * @param moveTask SQS's StartMessageMoveTask did the work
     */
    public record Summary(long examined, long replayed, long sent, long filtered, long alreadySent, long failed, long skipped,
            long kept, List<String> notRetained, List<String> errors, boolean moveTask, boolean dryRun) {

        public String describe() {
            StringBuilder sb = new StringBuilder();
            sb.append(dryRun ? "dry run (nothing sent or deleted): " : "replayed: ");
            if (moveTask) {
                sb.append(replayed).append(" message(s) moved back by SQS (StartMessageMoveTask)\n");
                return sb.toString();
            }
            sb.append(replayed).append(" of ").append(examined).append(" DLQ message(s); ").append(sent).append(" message(s) ")
                    .append(dryRun ? "would be " : "").append("sent");
            if (filtered > 0) {
                sb.append(", ").append(filtered).append(" re-read record(s) dropped by the pipe's filter");
            }
            if (alreadySent > 0) {
                sb.append(", ").append(alreadySent).append(" already sent by an interrupted earlier replay (not sent again)");
            }
            sb.append('\n');
            if (failed > 0) {
                sb.append("failed: ").append(failed).append(" (kept in the DLQ)\n");
            }
            if (skipped > 0) {
                sb.append("skipped: ").append(skipped).append(" of kinds not selected (kept)\n");
            }
            if (kept > 0) {
                sb.append("kept: ").append(kept).append(" batch record(s) with records the stream no longer has (--drop-unrecoverable deletes them)\n");
            }
            notRetained.forEach(n -> sb.append("not retained: ").append(n).append('\n'));
            errors.forEach(e -> sb.append("error: ").append(e).append('\n'));
            return sb.toString();
        }
    }

    private final OpsClients aws;
    private final String dlqUrl;
    private final Options options;
    private final PrintStream progressOut;
    private final boolean terminal;
    private final Map<String, String> urlsByArn = new HashMap<>();
    private final Map<String, PipeView> pipes = new HashMap<>();
    private final Map<String, Boolean> fifoByUrl = new HashMap<>();

    // counters of one run
    private long examined, replayed, sent, filtered, alreadySent, failed, skipped, kept;
    private final List<String> notRetained = new ArrayList<>();
    private final List<String> errors = new ArrayList<>();

    public Replayer(OpsClients aws, String dlqUrl, Options options, PrintStream progressOut, boolean terminal) {
        this.aws = aws;
        this.dlqUrl = dlqUrl;
        this.options = options;
        this.progressOut = progressOut;
        this.terminal = terminal;
    }

    public Summary run() {
        DeadLetterQueue dlq = new DeadLetterQueue(aws.sqs(), dlqUrl);
        long total = dlq.approximateSize();
        if (!options.dryRun() && options.max() == Integer.MAX_VALUE && options.kinds().contains("redrive") && options.destinationUrl() == null) {
            Summary moved = tryMoveTask(dlq, total);
            if (moved != null) {
                return moved;
            }
        }
        Progress progress = new Progress(progressOut, terminal, Math.min(total, options.max()));
        RateLimiter rate = new RateLimiter(options.ratePerSecond());
        StreamRereader rereader = new StreamRereader(aws.kinesis(), aws.dynamoDbStreams());
        List<Message> held = new ArrayList<>();
        Set<String> handled = new HashSet<>();
        try (ReplayJournal journal = options.journal() == null ? ReplayJournal.inMemory() : ReplayJournal.open(options.journal())) {
            int empty = 0;
            while (examined < options.max() && empty < 2) {
                int want = (int) Math.min(MAX_BATCH, options.max() - examined);
                List<Message> batch = DeadLetterQueue.receive(aws.sqs(), dlqUrl, want, options.lease(), 1);
                if (batch.isEmpty()) {
                    empty++;
                    continue;
                }
                empty = 0;
                for (Message m : batch) {
                    if (!handled.add(m.messageId())) {
                        held.add(m);   // seen before in this run (its lease ran out): leave it for the next run
                        continue;
                    }
                    examined++;
                    DeadLetter letter = DeadLetter.of(m);
                    if (!options.kinds().contains(letter.kind())) {
                        skipped++;
                        held.add(m);
                        continue;
                    }
                    boolean done;
                    try {
                        done = switch (letter) {
                            case DeadLetter.Redriven r -> redrive(r, journal, rate);
                            case DeadLetter.PipeBatch p -> pipeBatch(p, rereader, journal, rate);
                            case DeadLetter.RuleFailure f -> ruleFailure(f, journal, rate);
                        };
                    } catch (SdkException | IllegalStateException | IllegalArgumentException e) {
                        errors.add(letter.kind() + " " + m.messageId() + ": " + e.getMessage());
                        done = false;
                        failed++;
                    }
                    if (done && !options.dryRun()) {
                        aws.sqs().deleteMessage(b -> b.queueUrl(dlqUrl).receiptHandle(m.receiptHandle()));
                        journal.markDone(m.messageId());
                        replayed++;
                    } else {
                        if (done) {
                            replayed++;
                        }
                        held.add(m);
                    }
                    progress.update(examined, failed);
                }
            }
        } finally {
            progress.finish();
            // what was not replayed becomes visible again at once, for the next run or the next reader
            try {
                DeadLetterQueue.release(aws.sqs(), dlqUrl, held);
            } catch (SdkException e) {
                errors.add("could not release " + held.size() + " message(s); they become visible when their lease of " + options.lease() + " ends: " + e.getMessage());
            }
        }
        return new Summary(examined, replayed, sent, filtered, alreadySent, failed, skipped, kept, List.copyOf(notRetained), List.copyOf(errors), false, options.dryRun());
    }

    /** SQS's own redrive, when the DLQ holds only redriven messages and the server supports it; else null. */
    private Summary tryMoveTask(DeadLetterQueue dlq, long total) {
        if (total == 0) {
            return null;
        }
        DeadLetterQueue.Contents contents = dlq.peek((int) Math.min(total + MAX_BATCH, 100_000), options.lease());
        if (contents.messages().isEmpty() || contents.messages().stream().anyMatch(m -> !(m instanceof DeadLetter.Redriven))) {
            return null;
        }
        String dlqArn = arnOf(dlqUrl);
        try {
            aws.sqs().startMessageMoveTask(b -> b.sourceArn(dlqArn).maxNumberOfMessagesPerSecond((int) Math.min(MOVE_TASK_MAX_RATE, Math.max(1, options.ratePerSecond()))));
        } catch (SdkException unsupported) {
            return null;   // not on this server (or not allowed): receive → send → delete instead
        }
        Progress progress = new Progress(progressOut, terminal, contents.messages().size());
        Instant deadline = Instant.now().plus(Duration.ofHours(1));
        while (Instant.now().isBefore(deadline)) {
            List<ListMessageMoveTasksResultEntry> tasks = aws.sqs().listMessageMoveTasks(b -> b.sourceArn(dlqArn).maxResults(1)).results();
            if (!tasks.isEmpty()) {
                ListMessageMoveTasksResultEntry task = tasks.getFirst();
                long moved = task.approximateNumberOfMessagesMoved() == null ? 0 : task.approximateNumberOfMessagesMoved();
                progress.update(moved, 0);
                String status = task.status();
                if ("COMPLETED".equals(status) || "FAILED".equals(status) || "CANCELLED".equals(status)) {
                    progress.finish();
                    List<String> errs = task.failureReason() == null ? List.of() : List.of(task.failureReason());
                    return new Summary(contents.messages().size(), moved, moved, 0, 0, "COMPLETED".equals(status) ? 0 : 1, 0, 0, List.of(), errs, true, false);
                }
            }
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(500).toNanos());   // polling SQS's task, not a result wait
        }
        progress.finish();
        return new Summary(contents.messages().size(), 0, 0, 0, 0, 1, 0, 0, List.of(), List.of("the message move task did not finish within 1 h; see `aws sqs list-message-move-tasks`"), true, false);
    }

    private boolean redrive(DeadLetter.Redriven r, ReplayJournal journal, RateLimiter rate) {
        String url = options.destinationUrl();
        if (url == null) {
            String source = r.sourceQueueArn();
            if (source == null) {
                List<String> sources = aws.sqs().listDeadLetterSourceQueues(b -> b.queueUrl(dlqUrl)).queueUrls();
                if (sources.size() != 1) {
                    throw new IllegalStateException("the message does not name its source queue and the DLQ has " + sources.size() + " redrive sources: pass --to URL");
                }
                url = sources.getFirst();
            } else {
                url = urlOf(source);
            }
        }
        String key = r.id();
        if (journal.sent(key)) {
            alreadySent++;
            return true;
        }
        if (options.dryRun()) {
            sent++;
            return true;
        }
        rate.acquire(1);
        Message m = r.message();
        String target = url;
        boolean fifo = fifo(target);
        aws.sqs().sendMessage(b -> {
            b.queueUrl(target).messageBody(m.body()).messageAttributes(m.messageAttributes());
            if (fifo) {
                b.messageGroupId(Optional.ofNullable(m.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID)).orElse("replay"))
                        .messageDeduplicationId(dedup(key));
            }
        });
        journal.markSent(key);
        sent++;
        return true;
    }

    private boolean pipeBatch(DeadLetter.PipeBatch p, StreamRereader rereader, ReplayJournal journal, RateLimiter rate) {
        PipeView pipe = pipeOf(p);
        StreamRereader.Result read = rereader.read(p, pipe.roleArn);
        String target = urlOf(pipe.targetArn);
        boolean fifo = fifo(target);
        List<PipeView.Rendered> out = new ArrayList<>();
        Instant now = Instant.now();
        for (StreamRereader.Reread r : read.records()) {
            String key = p.id() + "#" + r.sequenceNumber();
            if (!pipe.passes(r.fields(), r.parsedData())) {
                filtered++;
                continue;
            }
            if (journal.sent(key)) {
                alreadySent++;
                continue;
            }
            out.add(pipe.render(key, r.event(), r.parsedData(), now));
        }
        for (int i = 0; i < out.size(); i += MAX_BATCH) {
            List<PipeView.Rendered> chunk = out.subList(i, Math.min(out.size(), i + MAX_BATCH));
            if (options.dryRun()) {
                sent += chunk.size();
                continue;
            }
            rate.acquire(chunk.size());
            send(target, fifo, chunk, journal);
        }
        if (read.notRetained() != null) {
            notRetained.add(p.id() + " (" + p.origin() + "): " + read.notRetained());
            if (!options.dropUnrecoverable()) {
                kept++;
                return false;
            }
        }
        return true;
    }

    /** One SendMessageBatch: every entry journaled as it succeeds; any failed entry fails the replay (the rest stay journaled). */
    private void send(String url, boolean fifo, List<PipeView.Rendered> chunk, ReplayJournal journal) {
        List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
        Map<String, PipeView.Rendered> byId = new LinkedHashMap<>();
        for (int j = 0; j < chunk.size(); j++) {
            PipeView.Rendered r = chunk.get(j);
            SendMessageBatchRequestEntry.Builder e = SendMessageBatchRequestEntry.builder().id("r" + j).messageBody(r.body());
            if (fifo) {
                e.messageGroupId(r.groupId()).messageDeduplicationId(r.deduplicationId() != null ? r.deduplicationId() : dedup(r.key()));
            }
            entries.add(e.build());
            byId.put("r" + j, r);
        }
        SendMessageBatchResponse response = aws.sqs().sendMessageBatch(b -> b.queueUrl(url).entries(entries));
        response.successful().forEach(s -> {
            journal.markSent(byId.get(s.id()).key());
            sent++;
        });
        if (!response.failed().isEmpty()) {
            var f = response.failed().getFirst();
            throw new IllegalStateException(response.failed().size() + " of " + chunk.size() + " records refused by " + url + ": " + f.code() + " " + f.message());
        }
    }

    private boolean ruleFailure(DeadLetter.RuleFailure f, ReplayJournal journal, RateLimiter rate) {
        String key = f.id();
        if (journal.sent(key)) {
            alreadySent++;
            return true;
        }
        JsonNode event = parse(f.message().body());
        String ruleArn = f.ruleArn();
        String resource = ruleArn.substring(ruleArn.indexOf(":rule/") + ":rule/".length());
        String bus = resource.contains("/") ? resource.substring(0, resource.lastIndexOf('/')) : "default";
        String rule = resource.substring(resource.lastIndexOf('/') + 1);
        if (options.ruleToTarget()) {
            Target target = aws.events().listTargetsByRule(b -> b.rule(rule).eventBusName(bus)).targets().stream()
                    .filter(t -> t.arn().equals(f.targetArn())).findFirst()
                    .orElseThrow(() -> new IllegalStateException("rule " + ruleArn + " no longer has target " + f.targetArn()));
            if (!target.arn().startsWith("arn:aws:sqs:")) {
                throw new IllegalStateException("--target supports SQS targets; " + target.arn() + " is not one");
            }
            String body = transform(target, event, f.message().body(), ruleArn, rule);
            String url = urlOf(target.arn());
            boolean fifo = fifo(url);
            if (options.dryRun()) {
                sent++;
                return true;
            }
            rate.acquire(1);
            aws.sqs().sendMessage(b -> {
                b.queueUrl(url).messageBody(body);
                if (fifo) {
                    String group = target.sqsParameters() == null ? null : target.sqsParameters().messageGroupId();
                    if (group != null && JsonPath.isPath(group) && event != null) {
                        group = JsonPath.parse(group).read(event).map(JsonNode::asText).orElse(null);
                    }
                    b.messageGroupId(group == null ? "replay" : group).messageDeduplicationId(dedup(key));
                }
            });
            journal.markSent(key);
            sent++;
            return true;
        }
        if (event == null || !event.has("detail-type") || !event.has("source") || !event.has("detail")) {
            throw new IllegalStateException("the DLQ message is not an EventBridge event (no source/detail-type/detail), so it cannot go back on a bus; use --target");
        }
        if (options.dryRun()) {
            sent++;
            return true;
        }
        rate.acquire(1);
        PutEventsResponse r = aws.events().putEvents(b -> b.entries(e -> {
            e.eventBusName(bus).source(event.get("source").asText()).detailType(event.get("detail-type").asText())
                    .detail(PipeView.write(event.get("detail")));
            List<String> resources = new ArrayList<>();
            event.path("resources").forEach(x -> resources.add(x.asText()));
            e.resources(resources);
            if (event.hasNonNull("time")) {
                e.time(Instant.parse(event.get("time").asText()));
            }
        }));
        if (r.failedEntryCount() != null && r.failedEntryCount() > 0) {
            var entry = r.entries().getFirst();
            throw new IllegalStateException("PutEvents refused the event: " + entry.errorCode() + " " + entry.errorMessage());
        }
        journal.markSent(key);
        sent++;
        return true;
    }

    /** The rule target's input (docs/aws-behaviour.md §2.4): Input, InputPath, InputTransformer, or the event. */
    private static String transform(Target target, JsonNode event, String raw, String ruleArn, String ruleName) {
        if (target.input() != null) {
            return target.input();
        }
        if (event == null) {
            return raw;
        }
        if (target.inputPath() != null) {
            return JsonPath.parse(target.inputPath()).read(event).map(PipeView::write).orElse("null");
        }
        if (target.inputTransformer() == null) {
            return raw;
        }
        Map<String, String> paths = target.inputTransformer().inputPathsMap();
        Template template = Template.parse(target.inputTransformer().inputTemplate());
        return template.render(name -> {
            if (paths.containsKey(name)) {
                return JsonPath.parse(paths.get(name)).read(event);
            }
            return Optional.ofNullable(switch (name) {
                case "aws.events.rule-arn" -> TextNode.valueOf(ruleArn);
                case "aws.events.rule-name" -> TextNode.valueOf(ruleName);
                case "aws.events.event.ingestion-time" -> event.get("time");
                case "aws.events.event" -> {
                    ObjectNode copy = ((ObjectNode) event).deepCopy();
                    copy.remove("detail");
                    yield copy;
                }
                case "aws.events.event.json" -> event;
                default -> null;
            });
        });
    }

    private PipeView pipeOf(DeadLetter.PipeBatch p) {
        String name = options.pipeName();
        if (name == null && p.pipeArn() != null) {
            name = p.pipeArn().substring(p.pipeArn().lastIndexOf('/') + 1);
        }
        if (name == null) {
            String dlqArn = arnOf(dlqUrl);
            List<String> candidates = new ArrayList<>();
            for (var summary : aws.pipes().listPipes(b -> b.sourcePrefix(p.streamArn())).pipes()) {
                DescribePipeResponse d = aws.pipes().describePipe(b -> b.name(summary.name()));
                String dlq = d.sourceParameters() == null ? null
                        : d.sourceParameters().kinesisStreamParameters() != null && d.sourceParameters().kinesisStreamParameters().deadLetterConfig() != null
                                ? d.sourceParameters().kinesisStreamParameters().deadLetterConfig().arn()
                                : d.sourceParameters().dynamoDBStreamParameters() != null && d.sourceParameters().dynamoDBStreamParameters().deadLetterConfig() != null
                                        ? d.sourceParameters().dynamoDBStreamParameters().deadLetterConfig().arn() : null;
                if (dlqArn.equals(dlq)) {
                    candidates.add(d.name());
                }
            }
            if (candidates.size() != 1) {
                throw new IllegalStateException(candidates.isEmpty()
                        ? "no pipe reads " + p.streamArn() + " with this DLQ: pass --pipe NAME"
                        : "pipes " + candidates + " read " + p.streamArn() + " into this DLQ: pass --pipe NAME");
            }
            name = candidates.getFirst();
        }
        String n = name;
        return pipes.computeIfAbsent(n, k -> new PipeView(aws.pipes().describePipe(b -> b.name(k))));
    }

    private String urlOf(String queueArn) {
        return urlsByArn.computeIfAbsent(queueArn, arn -> {
            String[] parts = arn.split(":");
            return aws.sqs().getQueueUrl(b -> b.queueName(parts[5]).queueOwnerAWSAccountId(parts[4])).queueUrl();
        });
    }

    private String arnOf(String url) {
        return aws.sqs().getQueueAttributes(b -> b.queueUrl(url).attributeNamesWithStrings("QueueArn")).attributesAsStrings().get("QueueArn");
    }

    private boolean fifo(String url) {
        return fifoByUrl.computeIfAbsent(url, u -> u.endsWith(".fifo"));
    }

    /** A FIFO deduplication id from the replay key: a rerun within SQS's 5-minute window is dropped by SQS itself. */
    private static String dedup(String key) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 32);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode parse(String body) {
        try {
            return JSON.readTree(body);
        } catch (java.io.IOException e) {
            return null;
        }
    }
}
