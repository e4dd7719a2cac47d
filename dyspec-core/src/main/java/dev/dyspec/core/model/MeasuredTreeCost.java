package dev.dyspec.core.model;

import dev.dyspec.api.TreeCost;

/**
 * A step's cost by tree size, from measured forward costs: the target scores N + 1 tokens (root and
 * N nodes) in one forward; the draft runs one forward per node (DySpec with one expansion per
 * forward) or fewer, when a strategy expands several nodes per forward. Target costs between measured sizes are interpolated linearly.
 */
public final class MeasuredTreeCost implements TreeCost {

    private final int[] sizes;         // (points) new tokens per target forward, increasing
    private final double[] targetMs;   // (points)
    private final double draftMsPerNode;

    public MeasuredTreeCost(int[] sizes, double[] targetMs, double draftMsPerNode) {
        if (sizes.length == 0 || sizes.length != targetMs.length) {
            throw new IllegalArgumentException("need matching, non-empty size and cost arrays");
        }
        this.sizes = sizes.clone();
        this.targetMs = targetMs.clone();
        this.draftMsPerNode = draftMsPerNode;
    }

    /**
     * The forward sizes measured for trees of up to {@code maxNodes} nodes: every size up to 16 rows, then
     * doubling, and one point beyond the largest tree for interpolation. Every size, because the cost is a
     * staircase there, not a line: the Java kernel reads the weights once per 8 rows and once more for a
     * remainder, so the shipped target costs 1.25 ms for 4 rows, 2.49 for 5 and 2.40 for 8 — measuring only
     * 1, 2, 4, 8 interpolated 1.6 ms for 5 rows, and adaptive size took a fifth row for a third of its cost.
     */
    static int[] measuredSizes(int maxNodes) {
        int[] sizes = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 32, 64, 128};
        int n = 0;
        while (n < sizes.length && sizes[n] <= maxNodes + 1) {
            n++;
        }
        if (n < sizes.length) {
            n++; // one point beyond the largest tree, for interpolation
        }
        return java.util.Arrays.copyOf(sizes, n);
    }

    /** Measures both models after a typical context (128 tokens or what fits). */
    public static MeasuredTreeCost measure(CausalLm target, CausalLm draft, int maxNodes) {
        int[] used = measuredSizes(maxNodes);
        int n = used.length;
        int context = Math.max(0, Math.min(128, target.rotaryPositions() - used[n - 1] - 1));
        // a first pass warms the JIT and the allocator; only the second pass is kept
        ForwardCostCurve.measure(target, new int[] {context}, used, 5, 3);
        ForwardCostCurve.measure(draft, new int[] {context}, new int[] {1}, 20, 3);
        ForwardCostCurve.Table t = ForwardCostCurve.measure(target, new int[] {context}, used, 3, 9);
        ForwardCostCurve.Table d = ForwardCostCurve.measure(draft, new int[] {context}, new int[] {1}, 3, 15);
        return new MeasuredTreeCost(used, t.millis()[0], d.millis()[0][0]);
    }

    @Override
    public double cost(int nodes) {
        return cost(nodes, nodes);
    }

    /** A draft forward over a few rows costs about what one over a single row does: its operations' overhead. */
    @Override
    public double cost(int nodes, int draftForwards) {
        return targetCost(nodes + 1) + draftMsPerNode * draftForwards;
    }

    double targetCost(int tokens) {
        if (tokens <= sizes[0]) {
            return targetMs[0];
        }
        for (int i = 1; i < sizes.length; i++) {
            if (tokens <= sizes[i]) {
                double f = (double) (tokens - sizes[i - 1]) / (sizes[i] - sizes[i - 1]);
                return targetMs[i - 1] + f * (targetMs[i] - targetMs[i - 1]);
            }
        }
        int last = sizes.length - 1;
        double slope = last == 0 ? targetMs[0] : (targetMs[last] - targetMs[last - 1]) / (sizes[last] - sizes[last - 1]);
        return targetMs[last] + slope * (tokens - sizes[last]);
    }

    public double draftMsPerNode() {
        return draftMsPerNode;
    }

    /** The target's measured points: {size, ms} pairs. */
    public double[][] targetPoints() {
        double[][] p = new double[sizes.length][];
        for (int i = 0; i < sizes.length; i++) {
            p[i] = new double[] {sizes[i], targetMs[i]};
        }
        return p;
    }
}
