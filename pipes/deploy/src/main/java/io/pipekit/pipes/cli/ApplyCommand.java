package io.pipekit.pipes.cli;

import io.pipekit.pipes.provision.Provisioner;
import io.pipekit.pipes.spec.SubscriptionSpec;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

@Command(name = "apply", mixinStandardHelpOptions = true,
        description = {"Create or update the queue policy, roles, dead-letter queues, pipes, rules and topic subscriptions of a spec,",
                "waiting until every pipe is RUNNING. Safe to re-run: a second apply makes no changes."})
final class ApplyCommand extends ProvisionCommand {

    @Override
    int run(Provisioner provisioner, SubscriptionSpec spec, PrintWriter out) {
        out.println(provisioner.apply(spec).describe("Applied"));
        return 0;
    }
}
