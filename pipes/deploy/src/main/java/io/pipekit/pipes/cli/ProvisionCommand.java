package io.pipekit.pipes.cli;

import io.pipekit.pipes.provision.AwsClients;
import io.pipekit.pipes.provision.Provisioner;
import io.pipekit.pipes.spec.SubscriptionSpec;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;

/** The commands that load a spec and call AWS through a {@link Provisioner}: apply, destroy, plan. */
abstract class ProvisionCommand implements Callable<Integer> {

    @Mixin
    SpecFile specFile;

    @Mixin
    AwsOptions aws;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec cmd;

    @Override
    public final Integer call() {
        SubscriptionSpec spec = specFile.load(cmd.commandLine().getErr());
        if (spec == null) {
            return 1;
        }
        try (AwsClients clients = aws.clients()) {
            return run(new Provisioner(clients, aws.options()), spec, cmd.commandLine().getOut());
        }
    }

    /** The command's work on a valid spec; returns the exit code. */
    abstract int run(Provisioner provisioner, SubscriptionSpec spec, PrintWriter out);
}
