package io.pipekit.cli;

import io.pipekit.pipes.cli.Consoles;
import picocli.CommandLine.Help.Ansi;

/** Whether output goes to a person at a terminal: colour and redrawn progress only then. */
final class Terminal {

    private Terminal() {}

    static boolean interactive() {
        return Consoles.interactive();
    }

    /** Colour on a terminal, never with NO_COLOR (https://no-color.org) or TERM=dumb. */
    static boolean colour() {
        String noColor = System.getenv("NO_COLOR");
        return (noColor == null || noColor.isEmpty()) && !"dumb".equals(System.getenv("TERM")) && interactive();
    }

    static Ansi ansi() {
        return colour() ? Ansi.ON : Ansi.OFF;
    }

    static String error(String text) {
        return ansi().string("@|bold,red " + text + "|@");
    }
}
