package io.pipekit.cli;

import io.pipekit.demo.Demo;
import io.pipekit.local.LocalCommand;
import io.pipekit.pipes.cli.PipekitCli;
import io.pipekit.producers.cli.ProducersCli;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code pipekit}: the one command of the kit. Each subcommand is the module's own picocli command
 * (the deploy commands, the producers, the demo), mounted here so they share one jar, one help
 * style, one set of exit codes and one logging configuration (docs/cli.md).
 */
@Command(name = "pipekit", mixinStandardHelpOptions = true, versionProvider = PipekitVersion.class,
        description = {"Subscribes container workers to event streams (Kinesis, DynamoDB streams, EventBridge, SNS) through "
                + "EventBridge Pipes and rules into SQS, and runs the same setup on an embedded local stack.",
                "Run `pipekit <command> --help` for a command's options."},
        commandListHeading = "%nCommands:%n",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:Success.",
            "1:Failure: an invalid spec, an AWS error, or a demo that lost events.",
            "2:plan only: changes are pending.",
            "3:produce only: some entries failed after every retry.",
            "64:Usage error: an unknown command or option, or a bad option value."},
        footerHeading = "%n",
        footer = {"AWS clients are configured the way the AWS CLI and SDKs are: AWS_REGION and AWS_PROFILE, the default "
                + "credential chain, AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE>; --region, --profile and --endpoint-url "
                + "override them on the commands that call AWS. Colour is used on a terminal only, never when NO_COLOR is set.",
                "Documentation: docs/cli.md in the pipekit repository."})
public final class Pipekit implements Runnable {

    /** Exit codes of every subcommand (the usage's "Exit codes" section). */
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 64;

    /**
     * DynamoDB Local's bundled AWS SDK v1 warns through java.util.logging, once per run, that JAXB is
     * missing and it uses its own Base64 (which is correct); held here because JUL keeps loggers weakly.
     */
    private static final java.util.logging.Logger SDK_V1_BASE64 = java.util.logging.Logger.getLogger("com.amazonaws.util.Base64");

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The whole command tree, with the launcher's colour, exit-code and error handling applied to every subcommand. */
    public static CommandLine commandLine() {
        CommandLine root = new CommandLine(new Pipekit());
        root.addSubcommand("demo", new Demo());
        root.addSubcommand("local", new LocalCommand());
        CommandLine produce = ProducersCli.newCommandLine();
        produce.getCommandSpec().name("produce"); // the standalone jar calls itself pipekit-producers
        root.addSubcommand("produce", produce);
        for (Map.Entry<String, CommandLine> deploy : new CommandLine(new PipekitCli()).getSubcommands().entrySet()) {
            root.addSubcommand(deploy.getKey(), deploy.getValue());
        }
        // operating it (pipes/ops, docs/operations.md): silent misconfigurations, dead letters back
        root.addSubcommand("doctor", new io.pipekit.ops.doctor.DoctorCommand());
        root.addSubcommand("dlq", new io.pipekit.ops.dlq.DlqCommand());
        root.addSubcommand("init", new InitCommand());
        root.addSubcommand("version", new VersionCommand());
        root.addSubcommand("help", new CommandLine.HelpCommand());

        root.setExecutionStrategy(Pipekit::run);
        root.setColorScheme(CommandLine.Help.defaultColorScheme(Terminal.ansi()));
        root.setCaseInsensitiveEnumValuesAllowed(true);
        setExitCodeOnInvalidInput(root, USAGE);
        // a usage error: the problem, picocli's suggestions for a typo, and where help is, not the whole usage
        root.setParameterExceptionHandler((e, args) -> {
            CommandLine cl = e.getCommandLine();
            cl.getErr().println(Terminal.error("error: ") + e.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(e, cl.getErr());
            cl.getErr().println("Run '" + cl.getCommandSpec().qualifiedName() + " --help' for its usage.");
            cl.getErr().flush();
            return cl.getCommandSpec().exitCodeOnInvalidInput();
        });
        // one readable line instead of a stack trace; PIPEKIT_DEBUG=1 shows the trace
        root.setExecutionExceptionHandler((e, cl, parsed) -> {
            cl.getErr().println(Terminal.error("error: ") + (e.getMessage() != null ? e.getMessage() : e.toString()));
            if (System.getenv("PIPEKIT_DEBUG") != null) {
                e.printStackTrace(cl.getErr());
            }
            cl.getErr().flush();
            // bad option values found only while running (e.g. --partition-keys 10:cold=1) are usage errors
            return e instanceof IllegalArgumentException ? USAGE : FAILED;
        });
        return root;
    }

    /** Commands that wait on AWS for minutes: a spinner with the elapsed time shows they are alive (terminal only). */
    private static final java.util.Set<String> WAITING = java.util.Set.of("apply", "destroy");

    private static int run(CommandLine.ParseResult parsed) {
        CommandLine.ParseResult leaf = parsed;
        while (leaf.hasSubcommand()) {
            leaf = leaf.subcommand();
        }
        String command = leaf.commandSpec().name();
        AutoCloseable spinner = WAITING.contains(command) && !leaf.isUsageHelpRequested() && !leaf.isVersionHelpRequested()
                ? Spinner.start(command + ": waiting for AWS") : () -> {};
        try {
            return new CommandLine.RunLast().execute(parsed);
        } finally {
            try {
                spinner.close();
            } catch (Exception e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void setExitCodeOnInvalidInput(CommandLine cl, int code) {
        cl.getCommandSpec().exitCodeOnInvalidInput(code);
        cl.getSubcommands().values().forEach(sub -> setExitCodeOnInvalidInput(sub, code));
    }

    /** Runs a command line without exiting the JVM; returns the exit code. */
    public static int execute(String... args) {
        return commandLine().execute(args);
    }

    public static void main(String[] args) {
        if (System.getProperty("logback.configurationFile") == null) {
            // library jars ship no logback.xml; the launcher picks its own quiet configuration
            System.setProperty("logback.configurationFile", "pipekit-logback.xml");
        }
        SDK_V1_BASE64.setLevel(java.util.logging.Level.SEVERE);
        int exit = execute(args);
        System.out.flush();
        System.exit(exit);
    }
}
