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

    @CommandLine.Spec
    CommandLine.Model.CommandSpec cmd;

    @Override
    public Integer call() {
        SubscriptionSpec spec = specFile.load(cmd.commandLine().getErr());
        if (spec == null) {
            return 1;
        }
        cmd.commandLine().getOut().printf("%s: valid (%d pipes, %d rules, %d topics)%n",
                specFile.file, spec.pipes().size(), spec.rules().size(), spec.topics().size());
        return 0;
    }
}
