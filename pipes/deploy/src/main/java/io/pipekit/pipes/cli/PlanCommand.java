package io.pipekit.pipes.cli;

import io.pipekit.pipes.provision.Plan;
import io.pipekit.pipes.provision.Provisioner;
import io.pipekit.pipes.spec.SubscriptionSpec;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "plan", mixinStandardHelpOptions = true,
        description = {"Show what apply would create, change or delete (reads only).",
                "Exit 0 when nothing would change, 2 when changes are pending, 1 on errors."})
final class PlanCommand extends ProvisionCommand {

    @Option(names = "--destroy", description = "Plan a destroy instead of an apply.")
    boolean destroy;

    @Override
    int run(Provisioner provisioner, SubscriptionSpec spec, PrintWriter out) {
        Plan plan = destroy ? provisioner.planDestroy(spec) : provisioner.plan(spec);
        out.println(plan.describe());
        return plan.hasChanges() ? 2 : 0;
    }
}
