package io.pipekit.pipes.cli;

import io.pipekit.pipes.spec.SpecException;
import io.pipekit.pipes.spec.SpecLoader;
import io.pipekit.pipes.spec.SubscriptionSpec;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Parameters;

/** The SPEC argument every command takes, and its loading with problems printed one per line. */
final class SpecFile {

    @Parameters(index = "0", paramLabel = "SPEC", description = "The subscriptions spec, e.g. subscriptions.yml.")
    Path file;

    /** The validated spec, or null after printing every problem to {@code err}. */
    SubscriptionSpec load(PrintWriter err) {
        try {
            return SpecLoader.load(file);
        } catch (SpecException e) {
            e.problems().forEach(err::println);
            return null;
        }
    }
}
