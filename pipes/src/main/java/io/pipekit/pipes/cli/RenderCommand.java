package io.pipekit.pipes.cli;

import io.pipekit.pipes.render.CloudFormationRenderer;
import io.pipekit.pipes.spec.SpecException;
import io.pipekit.pipes.spec.SpecLoader;
import io.pipekit.pipes.spec.SubscriptionSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "render", mixinStandardHelpOptions = true,
        description = {"Render the spec to CloudFormation: Copilot addons + overrides/cfn.patches.yml under --copilot-dir/<worker>/,",
                "and a standalone template (--standalone) for deploying without the Copilot CLI."})
final class RenderCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "SPEC", description = "the subscriptions.yml file")
    Path file;

    @Option(names = "--worker", defaultValue = "ingest-worker", description = "Copilot service name (default: ${DEFAULT-VALUE})")
    String worker;

    @Option(names = "--copilot-dir", defaultValue = "copilot", description = "Copilot directory (default: ${DEFAULT-VALUE})")
    Path copilotDir;

    @Option(names = "--standalone", description = "also write the standalone template here, e.g. copilot/standalone/pipekit-stack.yml")
    Path standalone;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec cmd;

    @Override
    public Integer call() throws IOException {
        SubscriptionSpec spec;
        try {
            spec = SpecLoader.load(file);
        } catch (SpecException e) {
            e.problems().forEach(p -> cmd.commandLine().getErr().println(p));
            return 1;
        }
        for (Path p : CloudFormationRenderer.write(spec, worker, copilotDir, standalone)) {
            cmd.commandLine().getOut().println("wrote " + p);
        }
        return 0;
    }
}
