package io.pipekit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** The launcher's promises: every subcommand mounted, help in full sentences, one set of exit codes, AWS options alike. */
class LauncherTest {

    record Run(int exit, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Pipekit.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return new Run(cli.execute(args), out.toString(), err.toString());
    }

    @Test
    void helpListsEverySubcommandAndTheExitCodes() {
        Run r = run("--help");

        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("Usage: pipekit", "demo", "local", "produce", "validate", "plan", "apply", "destroy", "render", "init", "version",
                "Exit codes:", "64   Usage error");
    }

    /** The first line of a description is what `pipekit --help` lists: it must be a whole sentence. */
    @Test
    void everyCommandAndOptionIsDescribedInFullSentences() {
        List<String> broken = new ArrayList<>();
        collect(Pipekit.commandLine(), broken);
        assertThat(broken).isEmpty();
    }

    private static void collect(CommandLine cl, List<String> broken) {
        CommandSpec spec = cl.getCommandSpec();
        String[] description = spec.usageMessage().description();
        if (!spec.name().equals("help") && (description.length == 0 || !sentence(description[0]))) {
            broken.add(spec.qualifiedName() + ": " + (description.length == 0 ? "(none)" : description[0]));
        }
        // picocli prints each element as its own paragraph: none may stop mid-sentence
        for (String paragraph : description) {
            if (!spec.name().equals("help") && !paragraph.strip().endsWith(".")) {
                broken.add(spec.qualifiedName() + " (paragraph): " + paragraph);
            }
        }
        for (OptionSpec option : spec.options()) {
            String text = String.join(" ", option.description());
            if (!option.usageHelp() && !option.versionHelp() && !sentence(text)) {
                broken.add(spec.qualifiedName() + " " + option.longestName() + ": " + text);
            }
        }
        for (Map.Entry<String, CommandLine> sub : cl.getSubcommands().entrySet()) {
            collect(sub.getValue(), broken);
        }
    }

    private static boolean sentence(String text) {
        String t = text.strip();
        return !t.isEmpty() && Character.isUpperCase(t.charAt(0)) && (t.endsWith(".") || t.endsWith(".)"));
    }

    @Test
    void anUnknownCommandIsAUsageErrorWithASuggestion() {
        Run r = run("aply");

        assertThat(r.exit()).isEqualTo(64);
        assertThat(r.err()).contains("error: Unmatched argument at index 0: 'aply'", "apply", "Run 'pipekit --help' for its usage.");
        assertThat(r.err()).doesNotContain("Exit codes:"); // not the whole usage
    }

    @Test
    void aMissingArgumentIsAUsageError() {
        Run r = run("validate");

        assertThat(r.exit()).isEqualTo(64);
        assertThat(r.err()).contains("Missing required parameter: 'SPEC'", "Run 'pipekit validate --help'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"plan", "apply", "destroy", "produce kinesis", "produce sqs", "produce sns"})
    void everyCommandThatCallsAwsTakesTheAwsCliOptions(String command) {
        List<String> args = new ArrayList<>(List.of(command.split(" ")));
        args.add("--help");
        Run r = run(args.toArray(String[]::new));

        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("Usage: pipekit " + command, "--region", "--profile", "--endpoint-url");
    }

    @Test
    void versionNamesTheBuildAndTheJava() {
        Run r = run("version");

        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith("pipekit " + PipekitVersion.version()).contains("Java " + System.getProperty("java.version"));
        assertThat(PipekitVersion.version()).isNotEqualTo("unknown");
    }

    @Test
    void noColourWhenNotOnATerminal() {
        // surefire's output is not a terminal
        assertThat(Terminal.colour()).isFalse();
        assertThat(run("--help").out()).doesNotContain("\u001B[");
    }
}
