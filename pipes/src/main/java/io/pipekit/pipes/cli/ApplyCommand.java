package io.pipekit.pipes.cli;

import io.pipekit.pipes.provision.AwsClients;
import io.pipekit.pipes.provision.Plan;
import io.pipekit.pipes.provision.Provisioner;
import io.pipekit.pipes.spec.SpecException;
import io.pipekit.pipes.spec.SpecLoader;
import io.pipekit.pipes.spec.SubscriptionSpec;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "apply", mixinStandardHelpOptions = true,
        description = {"Create or update the queue policy, roles, dead-letter queues, pipes, rules and topic subscriptions of a spec,",
                "waiting until every pipe is RUNNING. Safe to re-run: a second apply makes no changes."})
final class ApplyCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "SPEC", description = "the subscriptions.yml file")
    Path file;

    @Mixin
    AwsOptions aws;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec cmd;

    @Override
    public Integer call() {
        SubscriptionSpec spec;
        try {
            spec = SpecLoader.load(file);
        } catch (SpecException e) {
            e.problems().forEach(p -> cmd.commandLine().getErr().println(p));
            return 1;
        }
        try (AwsClients clients = aws.clients()) {
            Plan done = new Provisioner(clients, aws.options()).apply(spec);
            cmd.commandLine().getOut().println(done.describe().replace("Plan:", "Applied:"));
            return 0;
        }
    }
}
