package io.pipekit.pipes.cli;

import io.pipekit.pipes.provision.Provisioner;
import io.pipekit.pipes.spec.SubscriptionSpec;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

@Command(name = "apply", mixinStandardHelpOptions = true,
        description = {"Create or update everything a spec declares, and wait until every pipe is RUNNING.",
                "That is the queue policy, pipe roles, dead-letter queues, pipes, rules and topic subscriptions.",
                "Safe to re-run: a second apply makes no changes.",
                "Exit 0 when applied, 1 on errors."})
final class ApplyCommand extends ProvisionCommand {

    @Override
    int run(Provisioner provisioner, SubscriptionSpec spec, PrintWriter out) {
        out.println(provisioner.apply(spec).describe("Applied"));
        return 0;
    }
}
