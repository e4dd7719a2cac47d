package dev.dyspec.core.model;

import dev.dyspec.api.TreeCost;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A step's cost by tree size, from measured forward costs: the target scores N + 1 tokens (root and
 * N nodes) in one forward; the draft runs one forward per node (DySpec with one expansion per
 * forward) or fewer, when a strategy expands several nodes per forward. Target costs between measured sizes are interpolated linearly.
 * <p>
 * Measured once at start-up, the points then {@link #follow} the forwards the models actually run: a start-up
 * measurement alone was off by up to a third for one row (shipped target, 2 cores: 0.61–0.83 ms over four
 * starts against ≈ 0.8 in steady decoding), enough to flip adaptive size between trees of 3 nodes and none.
 */
public final class MeasuredTreeCost implements TreeCost {

    /** Weight of one observed forward in a point's running average: ≈ 50 forwards make a point. */
    static final double LEARNING_RATE = 0.02;
    /** An observation above this multiple of a point counts as this multiple: a GC pause is not a cost curve. */
    static final double OUTLIER = 3;

    private final int[] sizes;              // (points) new tokens per target forward, increasing
    private final AtomicLongArray targetMs; // (points) double bits: read by growing trees, written by forwards
    private final AtomicLong draftMsPerNode; // double bits

    public MeasuredTreeCost(int[] sizes, double[] targetMs, double draftMsPerNode) {
        if (sizes.length == 0 || sizes.length != targetMs.length) {
            throw new IllegalArgumentException("need matching, non-empty size and cost arrays");
        }
        this.sizes = sizes.clone();
        this.targetMs = new AtomicLongArray(targetMs.length);
        for (int i = 0; i < targetMs.length; i++) {
            this.targetMs.set(i, Double.doubleToRawLongBits(targetMs[i]));
        }
        this.draftMsPerNode = new AtomicLong(Double.doubleToRawLongBits(draftMsPerNode));
    }

    private double targetAt(int point) {
        return Double.longBitsToDouble(targetMs.get(point));
    }

    /**
     * Keeps the points up to date with the forwards the models run from now on (the draft may be null): a target forward whose every
     * row was scored moves the point of its size (when one is kept) towards its time, a one-row draft forward
     * the draft's cost per node. Prefill and mixed forwards are left out: they skip the output head.
     */
    public MeasuredTreeCost follow(CausalLm target, CausalLm draft) {
        target.observeForwards((rows, scored, nanos) -> {
            if (scored == rows) {
                observeTarget(rows, nanos / 1e6);
            }
        });
        if (draft != null) {
            draft.observeForwards((rows, scored, nanos) -> {
                if (rows == 1 && scored == 1) {
                    observeDraft(nanos / 1e6);
                }
            });
        }
        return this;
    }

    /** A target forward of {@code rows} scored rows took {@code ms}. */
    void observeTarget(int rows, double ms) {
        int point = java.util.Arrays.binarySearch(sizes, rows);
        if (point >= 0) {
            targetMs.getAndUpdate(point, bits -> movedBits(bits, ms));
        }
    }

    /** A one-row draft forward took {@code ms}. */
    void observeDraft(double ms) {
        draftMsPerNode.getAndUpdate(bits -> movedBits(bits, ms));
    }

    private static long movedBits(long bits, double observed) {
        return Double.doubleToRawLongBits(moved(Double.longBitsToDouble(bits), observed));
    }

    private static double moved(double current, double observed) {
        if (!(observed > 0)) {
            return current;
        }
        return current + LEARNING_RATE * (Math.min(observed, OUTLIER * current) - current);
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

    /**
     * Measures both models after a typical context (128 tokens or what fits); without a draft (null) a node
     * costs only its target row, as context proposals do.
     */
    public static MeasuredTreeCost measure(CausalLm target, CausalLm draft, int maxNodes) {
        int[] used = measuredSizes(maxNodes);
        int n = used.length;
        int context = Math.max(0, Math.min(128, target.rotaryPositions() - used[n - 1] - 1));
        // a first pass warms the JIT and the allocator; only the second pass is kept
        ForwardCostCurve.measure(target, new int[] {context}, used, 5, 3);
        ForwardCostCurve.Table t = ForwardCostCurve.measure(target, new int[] {context}, used, 3, 9);
        if (draft == null) {
            return new MeasuredTreeCost(used, t.millis()[0], 0);
        }
        ForwardCostCurve.measure(draft, new int[] {context}, new int[] {1}, 20, 3);
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
        return targetCost(nodes + 1) + draftMsPerNode() * draftForwards;
    }

    double targetCost(int tokens) {
        if (tokens <= sizes[0]) {
            return targetAt(0);
        }
        for (int i = 1; i < sizes.length; i++) {
            if (tokens <= sizes[i]) {
                double f = (double) (tokens - sizes[i - 1]) / (sizes[i] - sizes[i - 1]);
                return targetAt(i - 1) + f * (targetAt(i) - targetAt(i - 1));
            }
        }
        int last = sizes.length - 1;
        double slope = last == 0 ? targetAt(0) : (targetAt(last) - targetAt(last - 1)) / (sizes[last] - sizes[last - 1]);
        return targetAt(last) + slope * (tokens - sizes[last]);
    }

    public double draftMsPerNode() {
        return Double.longBitsToDouble(draftMsPerNode.get());
    }

    /** The target's measured points: {size, ms} pairs. */
    public double[][] targetPoints() {
        double[][] p = new double[sizes.length][];
        for (int i = 0; i < sizes.length; i++) {
            p[i] = new double[] {sizes[i], targetAt(i)};
        }
        return p;
    }
}
