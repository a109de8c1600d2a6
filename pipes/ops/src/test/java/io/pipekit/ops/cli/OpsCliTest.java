package io.pipekit.ops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipekit.ops.Commands;
import io.pipekit.ops.dlq.DlqCommand;
import io.pipekit.ops.doctor.DoctorCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The commands as a user types them: help, usage errors, and that each mounts under another launcher. */
class OpsCliTest {

    private record Run(int exit, String out, String err) {}

    private static Run run(Object command, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Commands.configure(new CommandLine(command));
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void everyCommandHasHelp() {
        assertThat(run(new OpsCli(), "--help").out()).contains("doctor", "dlq");
        assertThat(run(new OpsCli(), "doctor", "--help").out()).contains("--queue-url", "--task-role", "--handler-p99", "--json", "Exit 0 clean, 1 warnings, 2 errors");
        for (String sub : new String[] {"list", "peek", "replay"}) {
            Run r = run(new OpsCli(), "dlq", sub, "--help");
            assertThat(r.exit()).isZero();
            assertThat(r.out()).contains("QUEUE");
        }
        assertThat(run(new OpsCli(), "dlq", "replay", "--help").out()).contains("--dry-run", "--rate", "--target", "--journal");
    }

    @Test
    void doctorWithoutSpecOrQueueIsAUsageErrorExit3() {
        Run r = run(new DoctorCommand());
        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.err()).contains("give a SPEC or --queue-url");
    }

    @Test
    void replayRejectsAnUnknownKind() {
        Run r = run(new DlqCommand(), "replay", "some-dlq", "--kind", "everything", "--endpoint-url", "http://127.0.0.1:1");
        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).contains("--kind must be redrive, pipe-batch or rule-failure");
    }

    @Test
    void bothCommandsMountAsSubcommandsOfAnotherLauncher() {
        @CommandLine.Command(name = "pipekit") class Launcher implements Runnable {
            public void run() {}
        }
        CommandLine launcher = new CommandLine(new Launcher()).addSubcommand(new DoctorCommand()).addSubcommand(new DlqCommand());
        assertThat(launcher.getSubcommands()).containsKeys("doctor", "dlq");
        assertThat(launcher.getSubcommands().get("dlq").getSubcommands()).containsKeys("list", "peek", "replay");
    }
}
