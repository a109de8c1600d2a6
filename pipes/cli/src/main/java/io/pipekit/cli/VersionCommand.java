package io.pipekit.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "version", mixinStandardHelpOptions = true,
        description = "Print the pipekit version, the Java runtime that runs it and the operating system.")
final class VersionCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        for (String line : new PipekitVersion().getVersion()) {
            spec.commandLine().getOut().println(line);
        }
        return Pipekit.OK;
    }
}
