package io.pipekit.cli;

import java.io.Console;
import java.lang.reflect.Method;
import picocli.CommandLine.Help.Ansi;

/** Whether output goes to a person at a terminal: colour and redrawn progress only then. */
final class Terminal {

    private Terminal() {}

    /** {@code System.console()} is non-null on JDK 22+ even when redirected; there {@code isTerminal()} decides. */
    static boolean interactive() {
        Console c = System.console();
        if (c == null) {
            return false;
        }
        try {
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (boolean) isTerminal.invoke(c);
        } catch (ReflectiveOperationException e) {
            return true; // JDK 21: a console exists only when attached to a terminal
        }
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
