package io.pipekit.ops.dlq;

import io.pipekit.ops.Commands;
import io.pipekit.ops.OpsClients;
import io.pipekit.pipes.cli.Consoles;
import io.pipekit.pipes.spec.DurationText;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pipekit dlq list|peek|replay QUEUE}: what a dead-letter queue holds, and putting it back. */
@Command(name = "dlq", mixinStandardHelpOptions = true,
        description = "List, peek at and replay what a dead-letter queue holds: messages SQS redrove, Pipes stream-batch records, rule target failures.",
        subcommands = {DlqCommand.List.class, DlqCommand.Peek.class, DlqCommand.Replay.class})
public final class DlqCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The queue argument and the endpoint, shared by the three subcommands. */
    static final class Target {
        @Parameters(index = "0", paramLabel = "QUEUE", description = "The dead-letter queue: its URL or name.")
        String queue;

        @Option(names = "--endpoint-url", paramLabel = "URL", description = "Send every AWS call to this endpoint (like the AWS CLI option); otherwise AWS_ENDPOINT_URL[_<SERVICE>] or AWS.")
        URI endpoint;

        String url(OpsClients aws) {
            return queue.startsWith("http://") || queue.startsWith("https://") ? queue : aws.sqs().getQueueUrl(b -> b.queueName(queue)).queueUrl();
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Counts per kind and origin, oldest and newest (does not consume: messages are made visible again at once).")
    static final class List implements Callable<Integer> {
        @Mixin Target target;
        @Option(names = "--max", defaultValue = "10000", description = "Read at most this many messages (default: ${DEFAULT-VALUE}).") int max;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            try (OpsClients aws = OpsClients.fromEnvironment(target.endpoint)) {
                DeadLetterQueue.Contents c = new DeadLetterQueue(aws.sqs(), target.url(aws)).peek(max, Duration.ofSeconds(30));
                PrintWriter out = spec.commandLine().getOut();
                printSummary(out, c);
                out.flush();
            }
            return 0;
        }
    }

    @Command(name = "peek", mixinStandardHelpOptions = true, description = "The messages themselves, oldest first, with their kind and error (does not consume).")
    static final class Peek implements Callable<Integer> {
        @Mixin Target target;
        @Option(names = "--max", defaultValue = "20", description = "Show at most this many (default: ${DEFAULT-VALUE}).") int max;
        @Option(names = "--body-chars", defaultValue = "300", description = "Truncate bodies to this many characters (default: ${DEFAULT-VALUE}).") int bodyChars;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            try (OpsClients aws = OpsClients.fromEnvironment(target.endpoint)) {
                DeadLetterQueue.Contents c = new DeadLetterQueue(aws.sqs(), target.url(aws)).peek(max, Duration.ofSeconds(30));
                PrintWriter out = spec.commandLine().getOut();
                printSummary(out, c);
                out.println();
                for (DeadLetter d : c.messages()) {
                    out.println(DateTimeFormatter.ISO_INSTANT.format(d.sent()) + "  " + d.kind() + "  " + d.id());
                    out.println("  from: " + d.origin());
                    switch (d) {
                        case DeadLetter.Redriven r -> out.println("  receives: " + r.message().attributes().get(software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT));
                        case DeadLetter.PipeBatch p -> out.println("  records: " + p.batchSize() + " (" + p.startSequenceNumber() + ".." + p.endSequenceNumber() + "), condition " + p.condition()
                                + (p.pipeArn() == null ? "" : ", pipe " + p.pipeArn()));
                        case DeadLetter.RuleFailure f -> out.println("  error: " + f.errorCode() + " " + f.errorMessage() + (f.exhaustedRetryCondition() == null ? "" : ", " + f.exhaustedRetryCondition())
                                + (f.retryAttempts() == null ? "" : ", " + f.retryAttempts() + " retries") + "; target " + f.targetArn());
                    }
                    String body = d.message().body();
                    out.println("  body: " + (body.length() > bodyChars ? body.substring(0, bodyChars) + "…" : body));
                }
                out.flush();
            }
            return 0;
        }
    }

    @Command(name = "replay", mixinStandardHelpOptions = true,
            description = {"Puts the DLQ's messages back where they came from.",
                    "Redriven messages go to their source queue, pipe batch records are re-read from the stream and sent to the pipe's target "
                            + "through its filter and template, and rule failures go back on their bus (or to --target). "
                            + "A DLQ message is deleted only after its replay succeeded.",
                    "Exit 0 all replayed, 1 something failed or was kept."})
    static final class Replay implements Callable<Integer> {
        @Mixin Target target;
        @Option(names = "--dry-run", description = "Read, re-read streams and render; send and delete nothing.") boolean dryRun;
        @Option(names = "--rate", defaultValue = "50", description = "Messages sent per second at most (default: ${DEFAULT-VALUE}).") double rate;
        @Option(names = "--max", description = "Replay at most this many DLQ messages.") Integer max;
        @Option(names = "--kind", split = ",", description = "Only these kinds: redrive, pipe-batch, rule-failure (default: all).") java.util.List<String> kinds;
        @Option(names = "--target", description = "Rule failures: send to the rule's target (with its input transformation) instead of back on the bus, where every matching rule would get them again.") boolean ruleToTarget;
        @Option(names = "--to", paramLabel = "URL", description = "Redriven messages: send here instead of their source queue.") String to;
        @Option(names = "--pipe", paramLabel = "NAME", description = "Pipe batch records: the pipe, when the record does not name it and several pipes read the stream.") String pipe;
        @Option(names = "--journal", paramLabel = "FILE", description = "Remembers what was sent so a rerun after a crash does not send it again (default: .pipekit/dlq-replay-<queue>.journal).") Path journal;
        @Option(names = "--lease", defaultValue = "5m", description = "How long a DLQ message stays invisible while replayed (default: ${DEFAULT-VALUE}).") String lease;
        @Option(names = "--drop-unrecoverable", description = "Delete batch records even when some of their records are gone from the stream.") boolean dropUnrecoverable;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            Duration leaseDuration = DurationText.parse(lease);
            if (leaseDuration == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--lease must look like 90s, 5m or 1h, got '" + lease + "'");
            }
            Set<String> selected = kinds == null ? Replayer.Options.ALL_KINDS : new LinkedHashSet<>(kinds);
            for (String k : selected) {
                if (!Replayer.Options.ALL_KINDS.contains(k)) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--kind must be redrive, pipe-batch or rule-failure, got '" + k + "'");
                }
            }
            try (OpsClients aws = OpsClients.fromEnvironment(target.endpoint)) {
                String url = target.url(aws);
                Path journalFile = journal != null ? journal : Path.of(".pipekit", "dlq-replay-" + url.substring(url.lastIndexOf('/') + 1) + ".journal");
                Replayer.Options options = Replayer.Options.defaults().withDryRun(dryRun).withRate(rate).withMax(max == null ? Integer.MAX_VALUE : max)
                        .withKinds(selected).withRuleToTarget(ruleToTarget).withDestination(to).withPipe(pipe).withJournal(dryRun ? null : journalFile)
                        .withLease(leaseDuration).withDropUnrecoverable(dropUnrecoverable);
                Replayer.Summary summary = new Replayer(aws, url, options, System.err, Consoles.interactive()).run();
                spec.commandLine().getOut().print(summary.describe());
                spec.commandLine().getOut().flush();
                return summary.failed() + summary.kept() > 0 ? 1 : 0;
            }
        }
    }

    static void printSummary(PrintWriter out, DeadLetterQueue.Contents c) {
        out.println(c.queueUrl() + ": about " + c.approximateTotal() + " visible message(s); read " + c.messages().size());
        if (c.messages().isEmpty()) {
            return;
        }
        out.println("oldest " + DateTimeFormatter.ISO_INSTANT.format(c.messages().getFirst().sent()) + ", newest " + DateTimeFormatter.ISO_INSTANT.format(c.messages().getLast().sent()));
        c.countsByKind().forEach((k, n) -> out.printf("%6d  %s%n", n, k));
        out.println("by origin:");
        for (Map.Entry<String, Long> e : c.countsByOrigin().entrySet()) {
            out.printf("%6d  %s%n", e.getValue(), e.getKey());
        }
    }

    /** Runs the command without exiting the JVM; returns the exit code. */
    public static int execute(String... args) {
        return Commands.configure(new CommandLine(new DlqCommand())).execute(args);
    }

    public static void main(String[] args) {
        Commands.quietLogging();
        System.exit(execute(args));
    }
}
