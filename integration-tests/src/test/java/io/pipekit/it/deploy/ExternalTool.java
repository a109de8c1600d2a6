package io.pipekit.it.deploy;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * A command-line tool the deploy proofs run as a child process (cfn-lint, moto_server). These are
 * Python packages installed on the project's build machines; on a machine without one, the tests
 * that need it are skipped with a printed reason instead of failing.
 */
record ExternalTool(String name, Path executable) {

    /** The tool on {@code PATH}, or empty. */
    static Optional<ExternalTool> find(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(new ExternalTool(name, candidate));
            }
        }
        return Optional.empty();
    }

    /** The tool on {@code PATH}; otherwise the calling test (or class) is skipped, saying why. */
    static ExternalTool requireOnPath(String name, String installHint) {
        Optional<ExternalTool> tool = find(name);
        if (tool.isEmpty()) {
            String reason = name + " is not on PATH: skipping (" + installHint + ")";
            System.out.println("[skipped] " + reason);
            Assumptions.abort(reason);
        }
        return tool.get();
    }
}
