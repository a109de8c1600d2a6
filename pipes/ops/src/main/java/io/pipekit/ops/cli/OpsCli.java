package io.pipekit.ops.cli;

import io.pipekit.ops.Commands;
import io.pipekit.ops.dlq.DlqCommand;
import io.pipekit.ops.doctor.DoctorCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code pipekit-ops doctor|dlq}: the operations commands on their own, until the root launcher
 * registers {@link DoctorCommand} and {@link DlqCommand} as its subcommands.
 */
@Command(name = "pipekit-ops", mixinStandardHelpOptions = true, version = "pipekit-ops 0.1",
        description = "Operate a deployed pipekit service: find silent misconfigurations, list and replay dead letters.",
        subcommands = {DoctorCommand.class, DlqCommand.class})
public final class OpsCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static int execute(String... args) {
        return Commands.configure(new CommandLine(new OpsCli())).execute(args);
    }

    public static void main(String[] args) {
        Commands.quietLogging();
        System.exit(execute(args));
    }
}
