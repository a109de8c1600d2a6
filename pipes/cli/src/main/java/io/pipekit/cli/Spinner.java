package io.pipekit.cli;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Locale;

/**
 * Shows that a command is waiting, on a terminal only: a spinner with the elapsed time on stderr,
 * e.g. while {@code apply} waits for pipes to reach RUNNING (AWS takes about a minute per pipe). The
 * total is unknown, so it is a spinner and not a bar. Log lines go through the same stderr: each
 * write first clears the spinner's line, and the next tick draws it again below.
 */
final class Spinner implements AutoCloseable {

    private static final String FRAMES = "|/-\\";

    private final PrintStream terminal;
    private final String label;
    private final long started = System.nanoTime();
    private final Thread ticker;
    private final Object lock = new Object();
    private volatile boolean running = true;

    private Spinner(String label) {
        this.terminal = System.err;
        this.label = label;
        System.setErr(new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                synchronized (lock) {
                    clear();
                    terminal.write(b);
                }
            }

            @Override
            public void write(byte[] b, int off, int len) {
                synchronized (lock) {
                    clear();
                    terminal.write(b, off, len);
                }
            }

            @Override
            public void flush() {
                terminal.flush();
            }
        }, true));
        this.ticker = Thread.ofPlatform().daemon().name("pipekit-spinner").start(this::tick);
    }

    /** A running spinner when stderr is a terminal, else one that does nothing. */
    static AutoCloseable start(String label) {
        return Terminal.interactive() ? new Spinner(label) : () -> {};
    }

    private void tick() {
        int frame = 0;
        while (running) {
            synchronized (lock) {
                double seconds = (System.nanoTime() - started) / 1e9;
                terminal.print("\r" + FRAMES.charAt(frame++ % FRAMES.length()) + " " + label
                        + String.format(Locale.ROOT, " (%.0f s)", seconds));
                terminal.flush();
            }
            try {
                Thread.sleep(200); // the redraw period, not a wait for a result
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void clear() {
        terminal.print("\r\033[K");
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        ticker.interrupt();
        ticker.join();
        synchronized (lock) {
            clear();
            terminal.flush();
        }
        System.setErr(terminal);
    }
}
