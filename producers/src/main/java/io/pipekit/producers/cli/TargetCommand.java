package io.pipekit.producers.cli;

import io.pipekit.producers.Producer;
import io.pipekit.producers.ProgressListener;
import io.pipekit.producers.RunSummary;
import io.pipekit.producers.Target;
import io.pipekit.producers.TrafficPlan;
import io.pipekit.producers.internal.report.ConsoleProgress;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Shared run logic of the target subcommands: plan, progress, Ctrl-C handling, summary, exit code. */
abstract class TargetCommand implements Callable<Integer> {

    static final int EXIT_FAILED_ENTRIES = 3;

    @Mixin
    TrafficOptions traffic;

    @Mixin
    AwsOptions aws;

    @Spec
    CommandSpec spec;

    /** Opens the client(s) and the target; the returned closeable closes them all. */
    abstract OpenTarget open(TrafficPlan plan);

    record OpenTarget(Target<?> target, AutoCloseable resources) {}

    @Override
    public Integer call() throws Exception {
        TrafficPlan plan = traffic.plan();
        PrintWriter out = spec.commandLine().getOut();
        OpenTarget open = open(plan);
        try (AutoCloseable resources = open.resources()) {
            Producer<?> producer = Producer.of(plan, open.target());
            ProgressListener progress = ConsoleProgress.create(traffic.progress, plan, System.err, Duration.ofSeconds(5));
            CountDownLatch done = new CountDownLatch(1);
            // Ctrl-C: stop generating, let in-flight batches finish, still print the summary
            Thread hook = new Thread(() -> {
                producer.stop();
                try {
                    done.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                }
            }, "producer-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            RunSummary summary;
            try {
                summary = producer.run(progress);
                out.print(summary.toText());
                out.flush();
            } finally {
                done.countDown();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is running: it only waits for 'done'
                }
            }
            return summary.failed() > 0 ? EXIT_FAILED_ENTRIES : 0;
        }
    }
}
