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
            "Generates realistic sample traffic (orders, clickstream, IoT readings) into Kinesis, DynamoDB,",
            "EventBridge, SQS or SNS, at a steady rate, with per-entry retry and a final summary.",
            "Clients are configured the AWS way: AWS_REGION, the default credential chain,",
            "AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_<SERVICE>; --endpoint overrides the endpoint.",
            "Exit code: 0 all delivered, 3 some entries failed, 2 usage error, 1 unexpected error."},
        subcommands = {KinesisCommand.class, DynamoDbCommand.class, EventsCommand.class, SqsCommand.class,
            SnsCommand.class, CommandLine.HelpCommand.class})
public final class ProducersCli implements Runnable {

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(newCommandLine().execute(args));
    }

    public static CommandLine newCommandLine() {
        return new CommandLine(new ProducersCli())
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
