package io.pipekit.producers.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code pipekit-producers <target> [options]}: realistic sample traffic into AWS (or a local stack). */
@Command(name = "pipekit-producers",
        mixinStandardHelpOptions = true,
        version = "pipekit-producers 0.1.0",
        description = {
            "Send realistic sample traffic (orders, clickstream, IoT readings) into Kinesis, DynamoDB, EventBridge, SQS or SNS.",
            "Sends at a steady rate, retries each failed entry and ends with a summary; a progress bar shows on a terminal.",
            "Clients are configured the AWS way: AWS_REGION and AWS_PROFILE, the default credential chain, "
                + "AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE>; --region, --profile and --endpoint-url override them.",
            "Exit code: 0 all delivered, 3 some entries failed, 64 usage error, 1 unexpected error."},
        subcommands = {KinesisCommand.class, DynamoDbCommand.class, EventsCommand.class, SqsCommand.class,
            SnsCommand.class, CommandLine.HelpCommand.class})
public final class ProducersCli implements Runnable {

    /** sysexits' EX_USAGE, as every pipekit command uses: 2 already means "changes pending" for plan. */
    static final int EXIT_USAGE = 64;

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(newCommandLine().execute(args));
    }

    public static CommandLine newCommandLine() {
        CommandLine cli = new CommandLine(new ProducersCli());
        cli.getCommandSpec().exitCodeOnInvalidInput(EXIT_USAGE);
        cli.getSubcommands().values().forEach(sub -> sub.getCommandSpec().exitCodeOnInvalidInput(EXIT_USAGE));
        return cli
                .setCaseInsensitiveEnumValuesAllowed(true)
                // bad option values found while planning (e.g. --partition-keys 10:cold=1) are usage errors
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    if (e instanceof IllegalArgumentException) {
                        cmd.getErr().println("error: " + e.getMessage());
                        cmd.getErr().flush();
                        return cmd.getCommandSpec().exitCodeOnInvalidInput();
                    }
                    throw e;
                });
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
