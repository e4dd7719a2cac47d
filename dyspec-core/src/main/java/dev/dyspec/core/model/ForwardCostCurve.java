package dev.dyspec.core.model;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Measures what a forward costs as a function of how many new tokens it scores (a token tree of that
 * size) after a given cached context: the numbers the tree size trades against.
 */
public final class ForwardCostCurve {

    /** Median milliseconds per forward, {@code millis[c][n]} for contexts[c] and newTokens[n]; NaN where it does not fit. */
    public record Table(int[] contexts, int[] newTokens, double[][] millis) {
    }

    private ForwardCostCurve() {
    }

    public static Table measure(CausalLm lm, int[] contexts, int[] newTokens, int warmup, int repeats) {
        SplittableRandom random = new SplittableRandom(42);
        int vocab = lm.scoredVocab();
        int maxNew = Arrays.stream(newTokens).max().orElse(1);
        double[][] millis = new double[contexts.length][newTokens.length];
        for (int c = 0; c < contexts.length; c++) {
            int context = contexts[c];
            try (KvCache cache = lm.newCache(context + maxNew + 1)) {
                int[] prefix = random.ints(context, 0, vocab).toArray();
                if (context > 0) {
                    lm.prefill(cache, prefix);
                }
                for (int k = 0; k < newTokens.length; k++) {
                    int n = newTokens[k];
                    if (context + n > lm.rotaryPositions()) {
                        millis[c][k] = Double.NaN;
                        continue;
                    }
                    int[] tokens = random.ints(n, 0, vocab).toArray();
                    int[] positions = new int[n];
                    boolean[][] mask = randomTreeMask(n, context, positions, random);
                    double[] samples = new double[repeats];
                    for (int r = 0; r < warmup + repeats; r++) {
                        long start = System.nanoTime();
                        lm.forward(cache, tokens, positions, mask, true);
                        long took = System.nanoTime() - start;
                        cache.discardScratch();
                        if (r >= warmup) {
                            samples[r - warmup] = took / 1e6;
                        }
                    }
                    Arrays.sort(samples);
                    millis[c][k] = samples[samples.length / 2];
                }
            }
        }
        return new Table(contexts.clone(), newTokens.clone(), millis);
    }

    private static boolean[][] randomTreeMask(int n, int context, int[] positions, SplittableRandom random) {
        int[] parent = new int[n];
        int[] depth = new int[n];
        boolean[][] mask = new boolean[n][n];
        for (int i = 0; i < n; i++) {
            parent[i] = i == 0 ? -1 : random.nextInt(i);
            depth[i] = i == 0 ? 0 : depth[parent[i]] + 1;
            positions[i] = context + depth[i];
            for (int a = i; a >= 0; a = parent[a]) {
                mask[i][a] = true;
            }
        }
        return mask;
    }

}
