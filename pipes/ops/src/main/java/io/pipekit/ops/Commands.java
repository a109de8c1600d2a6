package io.pipekit.ops;

import picocli.CommandLine;

/** What every ops command's main does the same way. */
public final class Commands {

    private Commands() {}

    /** One readable line instead of a stack trace; exit 3 = the command itself could not run. */
    public static CommandLine configure(CommandLine cli) {
        cli.setExecutionExceptionHandler((e, cl, parsed) -> {
            cl.getErr().println("error: " + e.getMessage());
            return 3;
        });
        return cli;
    }

    /** A library jar must not ship logback.xml; the commands pick their own quiet configuration. */
    public static void quietLogging() {
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "pipekit-ops-logback.xml");
        }
    }
}
