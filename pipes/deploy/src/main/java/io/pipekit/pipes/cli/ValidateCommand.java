package io.pipekit.pipes.cli;

import io.pipekit.pipes.spec.SubscriptionSpec;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "validate", mixinStandardHelpOptions = true,
        description = {"Check a spec without calling AWS.", "Prints every problem with its file:line:column, field and allowed values. Exit 0 if valid, 1 if not."})
final class ValidateCommand implements Callable<Integer> {

    @Mixin
    SpecFile specFile;

    @picocli.CommandLine.Option(names = "--name-prefix", description = {"Also check names made with this prefix against AWS limits,",
            "e.g. the Copilot one: <app>-<env>-<service>- (default: no prefix)."})
    String namePrefix;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec cmd;

    @Override
    public Integer call() {
        SubscriptionSpec spec = specFile.load(cmd.commandLine().getErr());
        if (spec == null) {
            return 1;
        }
        // every path's prefix: the SDK's, the standalone stack's longest allowed Prefix (31) plus '-', and the user's
        java.util.Map<String, String> prefixes = new java.util.LinkedHashMap<>();
        prefixes.put("apply", spec.resourcePrefix());
        prefixes.put("standalone stack", "p".repeat(31) + "-");
        if (namePrefix != null) {
            prefixes.put("--name-prefix", namePrefix);
        }
        io.pipekit.pipes.model.Deployment model = io.pipekit.pipes.model.Deployment.of(spec);
        java.util.List<String> problems = new java.util.ArrayList<>();
        prefixes.forEach((path, prefix) -> model.nameProblems(prefix).forEach(p -> problems.add(specFile.file + ": " + path + ": " + p)));
        if (!problems.isEmpty()) {
            problems.forEach(cmd.commandLine().getErr()::println);
            return 1;
        }
        cmd.commandLine().getOut().printf("%s: valid (%d pipes, %d rules, %d topics)%n",
                specFile.file, spec.pipes().size(), spec.rules().size(), spec.topics().size());
        return 0;
    }
}
