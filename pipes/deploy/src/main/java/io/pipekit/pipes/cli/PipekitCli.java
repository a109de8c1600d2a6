package io.pipekit.pipes.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code pipekit}: validate, plan, apply, destroy and render a subscription spec.
 *
 * <p>AWS clients are configured the standard way (region and credential chains, {@code AWS_ENDPOINT_URL}
 * and {@code AWS_ENDPOINT_URL_<SERVICE>}), so one binary works against AWS, LocalStack and the local runtime.
 */
@Command(name = "pipekit", mixinStandardHelpOptions = true, version = "pipekit 0.1",
        description = "Subscribe a worker queue to streams, tables, queues, EventBridge rules and SNS topics from one YAML spec. "
                + "The pipekit launcher (./pipekit) carries these commands beside the others.",
        subcommands = {ValidateCommand.class, PlanCommand.class, ApplyCommand.class, DestroyCommand.class, RenderCommand.class})
public final class PipekitCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Runs the CLI without exiting the JVM; returns the exit code. */
    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new PipekitCli());
        // one readable line instead of a stack trace: AWS and state errors already say what is wrong
        cli.setExecutionExceptionHandler((e, cl, parsed) -> {
            cl.getErr().println("error: " + e.getMessage());
            return 1;
        });
        return cli.execute(args);
    }

    public static void main(String[] args) {
        if (System.getProperty("logback.configurationFile") == null) {
            // a library jar must not ship logback.xml; the CLI picks its own quiet configuration
            System.setProperty("logback.configurationFile", "pipekit-cli-logback.xml");
        }
        System.exit(execute(args));
    }
}
