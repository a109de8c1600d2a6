package io.pipekit.it.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Runs {@code cfn-lint --format json} on templates and parses what it reports. One process lints
 * every file it is given: each start costs several seconds (it loads every resource schema), so
 * callers pass all their templates at once.
 */
final class CfnLint {

    /** A template rarely takes a second; the bound only stops a hung process from stalling CI. */
    private static final Duration TIMEOUT = Duration.ofMinutes(3);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One reported problem. {@code level} is cfn-lint's: Error, Warning or Informational. */
    record Finding(Path file, String rule, String level, String message, String path, int line) {

        boolean isError() {
            return "Error".equals(level) || rule.startsWith("E");
        }

        @Override
        public String toString() {
            return file.getFileName() + ":" + line + " " + rule + " [" + path + "] " + message;
        }
    }

    private final ExternalTool tool;

    private CfnLint(ExternalTool tool) {
        this.tool = tool;
    }

    /** cfn-lint from {@code PATH}, or the test is skipped with the reason printed. */
    static CfnLint onPathOrSkip() {
        return new CfnLint(ExternalTool.requireOnPath("cfn-lint", "pip install cfn-lint==1.51.0"));
    }

    String version() throws IOException, InterruptedException {
        return run(List.of(tool.executable().toString(), "--version")).trim();
    }

    /** Every finding, in cfn-lint's order, for all the files (of any level: filter as needed). */
    List<Finding> lint(Collection<Path> templates) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(tool.executable().toString(), "--format", "json", "--"));
        templates.forEach(t -> command.add(t.toString()));
        String out = run(command);
        List<Finding> findings = new ArrayList<>();
        for (JsonNode f : JSON.readTree(out.isBlank() ? "[]" : out)) {
            JsonNode path = f.path("Location").path("Path");
            List<String> segments = new ArrayList<>();
            path.forEach(p -> segments.add(p.asText()));
            findings.add(new Finding(Path.of(f.path("Filename").asText()), f.path("Rule").path("Id").asText(),
                    f.path("Level").asText(), f.path("Message").asText(), String.join("/", segments),
                    f.path("Location").path("Start").path("LineNumber").asInt()));
        }
        return findings;
    }

    /** Runs the command and returns its standard output; exit codes 2, 4, 6, 8… mean "findings", not failure. */
    private String run(List<String> command) throws IOException, InterruptedException {
        Path stdout = Files.createTempFile("cfn-lint", ".json");
        Path stderr = Files.createTempFile("cfn-lint", ".err");
        try {
            // output to files, so a large report cannot fill a pipe and the wait below stays bounded
            Process process = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
            process.getOutputStream().close();
            if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new IOException("cfn-lint did not finish within " + TIMEOUT + ": " + command);
            }
            String out = Files.readString(stdout, StandardCharsets.UTF_8);
            // the exit code is a bit mask of the levels found (2 error, 4 warning, 8 info); 1 is a crash
            if (process.exitValue() == 1 || (out.isBlank() && process.exitValue() != 0)) {
                throw new IOException("cfn-lint failed (exit " + process.exitValue() + "): "
                        + Files.readString(stderr).lines().limit(20).collect(Collectors.joining("\n")));
            }
            return out;
        } finally {
            Files.deleteIfExists(stdout);
            Files.deleteIfExists(stderr);
        }
    }
}
