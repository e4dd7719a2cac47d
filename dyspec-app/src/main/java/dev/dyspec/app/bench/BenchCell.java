package dev.dyspec.app.bench;

import java.util.ArrayList;
import java.util.List;

/** One (strategy, budget, temperature) combination and everything measured for it. */
final class BenchCell {

    final String strategy;
    final int budget;
    final double temperature;

    // per generation
    final List<Double> tau = new ArrayList<>();
    // per repeat: totals over all prompts
    final List<Long> repeatTokens = new ArrayList<>();
    final List<Long> repeatNanos = new ArrayList<>();
    long tokens;
    long targetForwards;
    long draftForwards;
    long draftNanos;
    long targetNanos;
    long otherNanos;
    long treeNodes;
    long steps;
    long[] acceptedByDepth = new long[0];
    long[] draftedByDepth = new long[0];
    // calibration: per step, the tree's own estimate and the realised accepted length
    final List<double[]> calibration = new ArrayList<>();

    BenchCell(String strategy, int budget, double temperature) {
        this.strategy = strategy;
        this.budget = budget;
        this.temperature = temperature;
    }

    String key() {
        return strategy + "/" + budget + "/" + temperature;
    }

    double tokensPerSecond(int repeat) {
        return repeatTokens.get(repeat) / (repeatNanos.get(repeat) / 1e9);
    }

    static long[] add(long[] into, long[] more) {
        long[] out = into.length >= more.length ? into : java.util.Arrays.copyOf(into, more.length);
        for (int i = 0; i < more.length; i++) {
            out[i] += more[i];
        }
        return out;
    }
}
