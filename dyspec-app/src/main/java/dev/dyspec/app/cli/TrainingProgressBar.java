package dev.dyspec.app.cli;

import dev.dyspec.core.training.LlamaTrainer;
import java.io.PrintStream;
import java.util.Locale;

/** A progress line for training: step, loss, validation loss, tokens/s and ETA, on stderr. */
final class TrainingProgressBar implements LlamaTrainer.Progress {

    private final PrintStream err;
    private final long start = System.nanoTime();
    private double lastValidation = Double.NaN;
    private long lastDraw;

    TrainingProgressBar(PrintStream err) {
        this.err = err;
    }

    @Override
    public void step(int step, int steps, double loss, double tokensPerSecond, Double validationLoss) {
        if (validationLoss != null) {
            lastValidation = validationLoss;
        }
        long now = System.nanoTime();
        if (now - lastDraw < 500_000_000L && step < steps && validationLoss == null) {
            return;
        }
        lastDraw = now;
        double elapsed = (now - start) / 1e9;
        double eta = elapsed / Math.max(1, step) * (steps - step);
        int width = 24;
        int filled = (int) ((long) width * step / steps);
        String val = Double.isNaN(lastValidation) ? "-" : String.format(Locale.ROOT, "%.3f", lastValidation);
        err.printf(Locale.ROOT, "\r[%s%s] step %d/%d  loss %.3f  val %s  %.0f tok/s  ETA %.0fs ", "#".repeat(filled),
                ".".repeat(width - filled), step, steps, loss, val, tokensPerSecond, eta);
        if (validationLoss != null) {
            err.println();
        }
        err.flush();
    }

    void finish() {
        err.println();
    }
}
