package io.pipekit.pipes.cli;

import java.io.Console;
import java.lang.reflect.Method;

/** Whether output goes to a person at a terminal, for every pipekit command that redraws progress. */
public final class Consoles {

    private Consoles() {}

    /**
     * True when attached to a terminal. {@code System.console()} is non-null on JDK 22+ even when the
     * streams are redirected; there {@code Console.isTerminal()} (JDK 22+, so called reflectively from
     * Java 21 code) decides.
     */
    public static boolean interactive() {
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
}
