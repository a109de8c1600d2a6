package io.pipekit.pipes.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class PipekitCliTest {

    static final Path SAMPLE = Path.of("..", "..", "copilot", "subscriptions.yml");

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new PipekitCli());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"validate", "plan", "apply", "destroy", "render"})
    void everyCommandHasHelp(String command) {
        Run r = run(command, "--help");

        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("Usage: pipekit " + command, "-h, --help", "SPEC");
    }

    @Test
    void topLevelHelpListsTheCommands() {
        Run r = run("--help");

        assertThat(r.out()).contains("validate", "plan", "apply", "destroy", "render");
    }

    @Test
    void validateAcceptsTheSampleAndRejectsABadSpecWithLocations(@TempDir Path dir) throws Exception {
        assertThat(run("validate", SAMPLE.toString()).out()).contains("valid (3 pipes, 2 rules, 1 topics)");

        Path bad = dir.resolve("bad.yml");
        Files.writeString(bad, """
                version: 1
                name: demo
                queue: {name: q}
                subscriptions:
                  sqs:
                    - name: jobs
                      queue: jobs
                      batchSize: 50
                """);
        Run r = run("validate", bad.toString());

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains(bad + ":8:7: subscriptions.sqs[0].batchSize: is 50; allowed range 1..10");
    }

    @Test
    void renderWritesWhatIsCheckedIn(@TempDir Path dir) throws Exception {
        Run r = run("render", SAMPLE.toString(), "--copilot-dir", dir.toString(), "--standalone", dir.resolve("stack.yml").toString());

        assertThat(r.code()).isZero();
        assertThat(Files.readString(dir.resolve("ingest-worker/overrides/cfn.patches.yml")))
                .isEqualTo(Files.readString(Path.of("..", "..", "copilot", "ingest-worker", "overrides", "cfn.patches.yml")));
        assertThat(Files.readString(dir.resolve("stack.yml")))
                .isEqualTo(Files.readString(Path.of("..", "..", "copilot", "standalone", "pipekit-stack.yml")));
    }
}
