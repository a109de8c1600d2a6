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
                        + "the whole worker service as one template for `aws cloudformation deploy`, without the Copilot CLI.",
                "Files an earlier render wrote there and this one no longer produces are deleted.",
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

    @Option(names = "--no-copilot", description = "Write only the standalone template, not the Copilot files.")
    boolean noCopilot;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec cmd;

    @Override
    public Integer call() throws IOException {
        SubscriptionSpec spec = specFile.load(cmd.commandLine().getErr());
        if (spec == null) {
            return 1;
        }
        try {
            for (String line : CloudFormationRenderer.write(spec, noCopilot ? null : worker, copilotDir, standalone)) {
                cmd.commandLine().getOut().println(line);
            }
        } catch (IllegalArgumentException refused) {
            cmd.commandLine().getErr().println("error: " + refused.getMessage());
            return 1;
        }
        return 0;
    }
}
