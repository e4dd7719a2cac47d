package dev.dyspec.app.cli;

import java.io.PrintStream;

/** A one-line progress bar with ETA on stderr. */
final class ProgressBar {

    private final PrintStream err;
    private final int total;
    private final long start = System.nanoTime();
    private long lastDraw;

    ProgressBar(PrintStream err, int total) {
        this.err = err;
        this.total = Math.max(1, total);
    }

    void update(int done) {
        long now = System.nanoTime();
        if (now - lastDraw < 200_000_000L && done < total) {
            return;
        }
        lastDraw = now;
        double elapsed = (now - start) / 1e9;
        double eta = done == 0 ? 0 : elapsed / done * (total - done);
        int width = 30;
        int filled = (int) ((long) width * done / total);
        err.printf("\r[%s%s] %d/%d  %.0fs elapsed, ETA %.0fs ", "#".repeat(filled), ".".repeat(width - filled), done, total,
                elapsed, eta);
        err.flush();
    }

    void finish() {
        update(total);
        err.println();
    }
}
