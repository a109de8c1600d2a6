package io.pipekit.pipes.cli;

import io.pipekit.pipes.spec.SpecException;
import io.pipekit.pipes.spec.SpecLoader;
import io.pipekit.pipes.spec.SubscriptionSpec;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Check a spec without calling AWS: every problem with file:line:column, field and allowed values. Exit 0 if valid, 1 if not.")
final class ValidateCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "SPEC", description = "the subscriptions.yml file")
    Path file;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec cmd;

    @Override
    public Integer call() {
        try {
            SubscriptionSpec spec = SpecLoader.load(file);
            cmd.commandLine().getOut().printf("%s: valid (%d pipes, %d rules, %d topics)%n",
                    file, spec.pipes().size(), spec.rules().size(), spec.topics().size());
            return 0;
        } catch (SpecException e) {
            e.problems().forEach(p -> cmd.commandLine().getErr().println(p));
            return 1;
        }
    }
}
