package io.pipekit.pipes.cli;

import io.pipekit.pipes.provision.AwsClients;
import io.pipekit.pipes.provision.Plan;
import io.pipekit.pipes.provision.Provisioner;
import io.pipekit.pipes.spec.SubscriptionSpec;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "destroy", mixinStandardHelpOptions = true,
        description = {"Delete everything apply made for this spec (found by the pipekit-<name>- prefix, pipekit:spec tags,",
                "the /pipekit/<name>/ IAM path and Pipekit<Name> queue-policy Sids). Other statements and resources are left alone."})
final class DestroyCommand implements Callable<Integer> {

    @Mixin
    SpecFile specFile;

    @Mixin
    AwsOptions aws;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec cmd;

    @Override
    public Integer call() {
        SubscriptionSpec spec = specFile.load(cmd.commandLine().getErr());
        if (spec == null) {
            return 1;
        }
        try (AwsClients clients = aws.clients()) {
            Plan done = new Provisioner(clients, aws.options()).destroy(spec);
            cmd.commandLine().getOut().println(done.describe("Destroyed"));
            return 0;
        }
    }
}
