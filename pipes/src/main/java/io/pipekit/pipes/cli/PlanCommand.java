package io.pipekit.pipes.cli;

import io.pipekit.pipes.provision.AwsClients;
import io.pipekit.pipes.provision.Plan;
import io.pipekit.pipes.provision.Provisioner;
import io.pipekit.pipes.spec.SubscriptionSpec;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "plan", mixinStandardHelpOptions = true,
        description = {"Show what apply would create, change or delete (reads only).",
                "Exit 0 when nothing would change, 2 when changes are pending, 1 on errors."})
final class PlanCommand implements Callable<Integer> {

    @Mixin
    SpecFile specFile;

    @Option(names = "--destroy", description = "plan a destroy instead")
    boolean destroy;

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
            Provisioner p = new Provisioner(clients, aws.options());
            Plan plan = destroy ? p.planDestroy(spec) : p.plan(spec);
            cmd.commandLine().getOut().println(plan.describe());
            return plan.hasChanges() ? 2 : 0;
        }
    }


}
