package io.pipekit.pipes.cli;

import io.pipekit.pipes.provision.AwsClients;
import io.pipekit.pipes.provision.Plan;
import io.pipekit.pipes.provision.Provisioner;
import io.pipekit.pipes.spec.SubscriptionSpec;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "apply", mixinStandardHelpOptions = true,
        description = {"Create or update the queue policy, roles, dead-letter queues, pipes, rules and topic subscriptions of a spec,",
                "waiting until every pipe is RUNNING. Safe to re-run: a second apply makes no changes."})
final class ApplyCommand implements Callable<Integer> {

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
            Plan done = new Provisioner(clients, aws.options()).apply(spec);
            cmd.commandLine().getOut().println(done.describe("Applied"));
            return 0;
        }
    }
}
