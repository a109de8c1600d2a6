package io.pipekit.pipes.cli;

import io.pipekit.pipes.provision.Provisioner;
import io.pipekit.pipes.spec.SubscriptionSpec;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

@Command(name = "destroy", mixinStandardHelpOptions = true,
        description = {"Delete everything apply made for this spec, and nothing else.",
                "What apply made is found by the pipekit-<name>- prefix, the pipekit:spec tags, the /pipekit/<name>/ IAM path "
                        + "and the Pipekit<Name> queue-policy Sids; other statements and resources are left alone.",
                "Exit 0 when done, 1 on errors."})
final class DestroyCommand extends ProvisionCommand {

    @Override
    int run(Provisioner provisioner, SubscriptionSpec spec, PrintWriter out) {
        out.println(provisioner.destroy(spec).describe("Destroyed"));
        return 0;
    }
}
