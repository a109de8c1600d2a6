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
                "and the standalone stack (--standalone): the whole worker service for `aws cloudformation deploy`.",
                "Files an earlier render wrote there and this one no longer produces are deleted."})
final class RenderCommand implements Callable<Integer> {

    @Mixin
    SpecFile specFile;

    @Option(names = "--worker", defaultValue = "ingest-worker", description = "Copilot service name (default: ${DEFAULT-VALUE})")
    String worker;

    @Option(names = "--copilot-dir", defaultValue = "copilot", description = "Copilot directory (default: ${DEFAULT-VALUE})")
    Path copilotDir;

    @Option(names = "--standalone", description = "also write the standalone template here, e.g. copilot/standalone/pipekit-stack.yml")
    Path standalone;

    @Option(names = "--no-copilot", description = "write only the standalone template, not the Copilot files")
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
