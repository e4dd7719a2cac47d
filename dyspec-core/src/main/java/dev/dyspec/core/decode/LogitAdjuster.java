package dev.dyspec.core.decode;

import java.util.HashMap;
import java.util.Map;

/**
 * Applies one generation's {@link LogitAdjustment} to logit rows. It counts the tokens generated so
 * far; a row scored at a tree node also counts the drafted tokens on the path from the step's root to
 * that node, because they precede the predicted token in the sequence that row stands for.
 */
final class LogitAdjuster {

    private final LogitAdjustment adjustment;
    private final Map<Integer, Integer> generatedCounts = new HashMap<>();

    LogitAdjuster(LogitAdjustment adjustment) {
        this.adjustment = adjustment;
    }

    boolean active() {
        return !adjustment.isNone();
    }

    /** Tokens that joined the generated text. */
    void record(int[] emitted) {
        if (adjustment.penalises()) {
            for (int t : emitted) {
                generatedCounts.merge(t, 1, Integer::sum);
            }
        }
    }

    /**
     * Adjusts {@code row} in place.
     *
     * @param pathTokens drafted tokens between the step's root (excluded) and the scored node (included)
     */
    void adjust(float[] row, int[] pathTokens) {
        for (Map.Entry<Integer, Float> e : adjustment.bias().entrySet()) {
            if (e.getKey() < row.length) {
                row[e.getKey()] += e.getValue();
            }
        }
        if (!adjustment.penalises()) {
            return;
        }
        float presence = (float) adjustment.presencePenalty();
        float frequency = (float) adjustment.frequencyPenalty();
        for (Map.Entry<Integer, Integer> e : generatedCounts.entrySet()) {
            row[e.getKey()] -= frequency * e.getValue() + presence;
        }
        for (int i = 0; i < pathTokens.length; i++) {
            int t = pathTokens[i];
            row[t] -= frequency;
            if (!generatedCounts.containsKey(t) && firstOccurrence(pathTokens, i)) {
                row[t] -= presence;
            }
        }
    }

    private static boolean firstOccurrence(int[] tokens, int i) {
        for (int j = 0; j < i; j++) {
            if (tokens[j] == tokens[i]) {
                return false;
            }
        }
        return true;
    }

    /** Tokens on the path to {@code node}, root excluded, given a parent function (-1 above the root). */
    static int[] pathTokens(int node, java.util.function.IntUnaryOperator parent, java.util.function.IntUnaryOperator token) {
        int depth = 0;
        for (int n = node; parent.applyAsInt(n) >= 0; n = parent.applyAsInt(n)) {
            depth++;
        }
        int[] path = new int[depth];
        for (int n = node, i = depth - 1; parent.applyAsInt(n) >= 0; n = parent.applyAsInt(n), i--) {
            path[i] = token.applyAsInt(n);
        }
        return path;
    }
}
