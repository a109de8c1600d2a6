package io.pipekit.pipes.cli;

import io.pipekit.pipes.render.CloudFormationRenderer;
import io.pipekit.pipes.spec.SubscriptionSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "render", mixinStandardHelpOptions = true,
        description = {"Render the spec to CloudFormation: Copilot addons + overrides/cfn.patches.yml under --copilot-dir/<worker>/,",
                "and a standalone template (--standalone) for deploying without the Copilot CLI."})
final class RenderCommand implements Callable<Integer> {

    @Mixin
    SpecFile specFile;

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
        SubscriptionSpec spec = specFile.load(cmd.commandLine().getErr());
        if (spec == null) {
            return 1;
        }
        for (Path p : CloudFormationRenderer.write(spec, worker, copilotDir, standalone)) {
            cmd.commandLine().getOut().println("wrote " + p);
        }
        return 0;
    }
}
