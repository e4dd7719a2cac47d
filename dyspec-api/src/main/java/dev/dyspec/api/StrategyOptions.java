package dev.dyspec.api;

import java.util.Arrays;

/**
 * Per-request knobs of a tree strategy. A strategy reads the ones it understands and validates them.
 *
 * @param budget most draft nodes in the tree (the root not counted)
 * @param threshold value threshold of the DySpec threshold strategy, in (0, 1)
 * @param treeShape branching factor per depth of the fixed tree, e.g. {4, 2, 2, 1, 1}
 * @param expansionsPerForward sampling actions expanded per draft forward (DySpec Alg. 1 uses 1)
 * @param adaptiveSize grow only while the next node raises expected tokens per second (budget becomes a cap)
 * @param draftTemperature temperature of the draft distributions a tree is grown from, in (0, 2]; NaN leaves it
 *     to the strategy (see {@link TreeStrategy#draftTemperature})
 */
public record StrategyOptions(int budget, double threshold, int[] treeShape, int expansionsPerForward,
                              boolean adaptiveSize, double draftTemperature) {

    public static final int DEFAULT_BUDGET = 16;
    public static final double DEFAULT_THRESHOLD = 0.05;
    public static final int[] DEFAULT_TREE_SHAPE = {4, 2, 2, 1, 1};

    public StrategyOptions {
        treeShape = treeShape == null ? DEFAULT_TREE_SHAPE.clone() : treeShape.clone();
        if (!Double.isNaN(draftTemperature) && !(draftTemperature > 0 && draftTemperature <= SamplingParams.MAX_TEMPERATURE)) {
            throw new IllegalArgumentException("draft temperature must be in (0, " + SamplingParams.MAX_TEMPERATURE
                    + "], got " + draftTemperature);
        }
    }

    /** With the draft temperature left to the strategy. */
    public StrategyOptions(int budget, double threshold, int[] treeShape, int expansionsPerForward,
                           boolean adaptiveSize) {
        this(budget, threshold, treeShape, expansionsPerForward, adaptiveSize, Double.NaN);
    }

    public static StrategyOptions defaults() {
        return new StrategyOptions(DEFAULT_BUDGET, DEFAULT_THRESHOLD, DEFAULT_TREE_SHAPE, 1, false);
    }

    public StrategyOptions withBudget(int newBudget) {
        return new StrategyOptions(newBudget, threshold, treeShape, expansionsPerForward, adaptiveSize, draftTemperature);
    }

    public StrategyOptions withThreshold(double newThreshold) {
        return new StrategyOptions(budget, newThreshold, treeShape, expansionsPerForward, adaptiveSize, draftTemperature);
    }

    public StrategyOptions withTreeShape(int[] newShape) {
        return new StrategyOptions(budget, threshold, newShape, expansionsPerForward, adaptiveSize, draftTemperature);
    }

    public StrategyOptions withExpansionsPerForward(int b) {
        return new StrategyOptions(budget, threshold, treeShape, b, adaptiveSize, draftTemperature);
    }

    public StrategyOptions withAdaptiveSize(boolean adaptive) {
        return new StrategyOptions(budget, threshold, treeShape, expansionsPerForward, adaptive, draftTemperature);
    }

    public StrategyOptions withDraftTemperature(double temperature) {
        return new StrategyOptions(budget, threshold, treeShape, expansionsPerForward, adaptiveSize, temperature);
    }

    /** Whether a request chose the draft temperature (otherwise the strategy does). */
    public boolean hasDraftTemperature() {
        return !Double.isNaN(draftTemperature);
    }

    @Override
    public int[] treeShape() {
        return treeShape.clone();
    }

    /** Parses "4,2,2,1,1"; throws with a clear message on anything else. */
    public static int[] parseTreeShape(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("tree shape must be a comma-separated list of positive integers, got empty");
        }
        String[] parts = text.split(",");
        int[] shape = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                shape[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "tree shape must be a comma-separated list of positive integers, got '" + text + "'");
            }
            if (shape[i] <= 0) {
                throw new IllegalArgumentException(
                        "tree shape must be a comma-separated list of positive integers, got '" + text + "'");
            }
        }
        return shape;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StrategyOptions s && s.budget == budget && s.threshold == threshold
                && Arrays.equals(s.treeShape, treeShape) && s.expansionsPerForward == expansionsPerForward
                && s.adaptiveSize == adaptiveSize && Double.compare(s.draftTemperature, draftTemperature) == 0;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Integer.hashCode(budget) + Double.hashCode(threshold)) + Arrays.hashCode(treeShape)
                + expansionsPerForward + (adaptiveSize ? 1 : 0) + 7 * Double.hashCode(draftTemperature);
    }

    @Override
    public String toString() {
        return "StrategyOptions[budget=" + budget + ", threshold=" + threshold + ", treeShape="
                + Arrays.toString(treeShape) + ", expansionsPerForward=" + expansionsPerForward + ", adaptiveSize="
                + adaptiveSize + ", draftTemperature=" + draftTemperature + "]";
    }
}
