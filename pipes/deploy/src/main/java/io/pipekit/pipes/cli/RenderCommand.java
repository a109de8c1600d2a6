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
        description = {"Render the spec to CloudFormation, for Copilot or as one standalone stack.",
                "Writes Copilot addons and overrides/cfn.patches.yml under --copilot-dir/<worker>/, and with --standalone "
                        + "a plain template for deploying without the Copilot CLI.",
                "Exit 0 when written, 1 if the spec is invalid."})
final class RenderCommand implements Callable<Integer> {

    @Mixin
    SpecFile specFile;

    @Option(names = "--worker", defaultValue = "ingest-worker", description = "The Copilot service name (default: ${DEFAULT-VALUE}).")
    String worker;

    @Option(names = "--copilot-dir", defaultValue = "copilot", description = "The Copilot directory to write into (default: ${DEFAULT-VALUE}).")
    Path copilotDir;

    @Option(names = "--standalone", description = "Also write the standalone template to this file, e.g. copilot/standalone/pipekit-stack.yml.")
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
