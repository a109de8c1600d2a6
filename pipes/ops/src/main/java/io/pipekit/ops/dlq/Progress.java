package io.pipekit.ops.dlq;

import java.io.PrintStream;

/**
 * A progress bar on the terminal ({@code \r}-redrawn, at most 5 times a second), or one line per
 * tenth of the work when the output is not a terminal (CI logs).
 */
final class Progress {

    private final PrintStream out;
    private final boolean terminal;
    private final long total;
    private long lastDraw;
    private long lastTenth = -1;

    Progress(PrintStream out, boolean terminal, long total) {
        this.out = out;
        this.terminal = terminal;
        this.total = Math.max(total, 1);
    }

    void update(long done, long failed) {
        if (out == null) {
            return;
        }
        if (terminal) {
            long now = System.nanoTime();
            if (now - lastDraw < 200_000_000L && done < total) {
                return;
            }
            lastDraw = now;
            int width = 30;
            int filled = (int) Math.min(width, done * width / total);
            out.print("\r[" + "#".repeat(filled) + " ".repeat(width - filled) + "] " + done + "/" + total + (failed > 0 ? "  failed " + failed : ""));
            out.flush();
        } else {
            long tenth = Math.min(10, done * 10 / total);
            if (tenth != lastTenth) {
                lastTenth = tenth;
                out.println("replay: " + done + "/" + total + " (" + tenth * 10 + "%)" + (failed > 0 ? ", failed " + failed : ""));
            }
        }
    }

    void finish() {
        if (out != null && terminal) {
            out.println();
        }
    }
}
