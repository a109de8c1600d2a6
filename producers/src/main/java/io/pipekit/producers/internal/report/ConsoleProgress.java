package io.pipekit.producers.internal.report;

import io.pipekit.producers.ProgressListener;
import io.pipekit.producers.RunSummary;
import io.pipekit.producers.TrafficPlan;
import java.io.Console;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Locale;

/**
 * Progress on stderr: a redrawn bar on an interactive terminal, plain periodic lines otherwise
 * (CI logs and redirected output must not fill with carriage returns).
 */
public final class ConsoleProgress {

    private ConsoleProgress() {}

    public enum Mode { AUTO, BAR, LINES, NONE }

    public static ProgressListener create(Mode mode, TrafficPlan plan, PrintStream out, Duration lineEvery) {
        Mode m = mode == Mode.AUTO ? (isInteractive() ? Mode.BAR : Mode.LINES) : mode;
        return switch (m) {
            case BAR -> new Bar(plan, out);
            case LINES -> new Lines(out, lineEvery);
            case NONE, AUTO -> ProgressListener.NONE;
        };
    }

    /** {@code System.console()} is non-null on JDK 22+ even when redirected; there {@code isTerminal()} decides. */
    static boolean isInteractive() {
        Console c = System.console();
        if (c == null) return false;
        try {
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (boolean) isTerminal.invoke(c);
        } catch (ReflectiveOperationException e) {
            return true; // JDK 21: a console exists only when attached to a terminal
        }
    }

    static String counters(RunSummary s) {
        double secs = s.elapsed().toNanos() / 1e9;
        return String.format(Locale.ROOT, "sent %d  failed %d  retried %d  %.1f/s  %.1fs",
                s.sent(), s.failed(), s.retried(), secs > 0 ? s.sent() / secs : 0, secs);
    }

    static double fraction(TrafficPlan plan, RunSummary s) {
        double f = 0;
        if (plan.count() > 0) f = (double) (s.sent() + s.failed()) / plan.count();
        if (plan.duration() != null) f = Math.max(f, (double) s.elapsed().toNanos() / plan.duration().toNanos());
        return Math.min(1, f);
    }

    private static final class Bar implements ProgressListener {
        private static final int WIDTH = 30;
        private final TrafficPlan plan;
        private final PrintStream out;

        Bar(TrafficPlan plan, PrintStream out) {
            this.plan = plan;
            this.out = out;
        }

        @Override
        public synchronized void onProgress(RunSummary s) {
            double f = fraction(plan, s);
            int filled = (int) Math.round(f * WIDTH);
            out.print("\r[" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "] "
                    + String.format(Locale.ROOT, "%3.0f%%  ", f * 100) + counters(s) + "   ");
            out.flush();
        }

        @Override
        public synchronized void onFinish(RunSummary s) {
            onProgress(s);
            out.println();
        }
    }

    private static final class Lines implements ProgressListener {
        private final PrintStream out;
        private final long everyNanos;
        private long next;

        Lines(PrintStream out, Duration every) {
            this.out = out;
            this.everyNanos = every.toNanos();
            this.next = everyNanos;
        }

        @Override
        public synchronized void onProgress(RunSummary s) {
            if (s.elapsed().toNanos() >= next) {
                next = (s.elapsed().toNanos() / everyNanos + 1) * everyNanos;
                out.println("progress: " + counters(s));
                out.flush();
            }
        }
    }
}
