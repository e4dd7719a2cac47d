package dev.dyspec.strategies;

import dev.dyspec.api.AcceptanceEstimator;
import dev.dyspec.api.DraftHandle;
import dev.dyspec.api.SamplingParams;
import dev.dyspec.api.StrategyOptions;
import dev.dyspec.api.TokenTree;
import dev.dyspec.api.TreeBuilder;
import dev.dyspec.api.TreeCost;
import dev.dyspec.api.TreeStrategy;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.random.RandomGenerator;

/**
 * DySpec's Algorithm 1 (fixed size): a max-heap of sampling actions ordered by value, the estimated
 * probability that the token they draw is accepted. Popping an action draws y from its residual R,
 * adds y with value v·a(R[y]), pushes the sibling action (R without y, value v·(1 − a(R[y]))) and,
 * after the draft forward on y, the child action. With the paper's estimate a(r) = r; a learned
 * {@link AcceptanceEstimator} gives the calibrated variant. With {@code expansionsPerForward} = b the b
 * best actions share one draft forward; b = 1 is the paper's algorithm. With
 * {@link StrategyOptions#adaptiveSize()} the tree stops growing once the next action's value no longer
 * pays for the extra forward cost ({@link SizeRule}); the budget is then a cap.
 */
public final class DySpecStrategy implements TreeStrategy {

    public static final String NAME = "dyspec";
    public static final String CALIBRATED_NAME = "dyspec-calibrated";

    /** A pending draw below {@code node}; its value is fixed before the draw happens. */
    private record Action(int node, Residual residual, double value, long order) {
    }

    private static final Comparator<Action> BEST_FIRST =
            Comparator.comparingDouble(Action::value).reversed().thenComparingLong(Action::order);

    private final String name;
    private final AcceptanceEstimator estimator;
    private final TreeCost cost;

    /** The paper's algorithm: a(r) = r, no cost model. */
    public DySpecStrategy() {
        this(NAME, AcceptanceEstimator.IDENTITY, null);
    }

    /**
     * @param cost the step cost by tree size, used when a request asks for adaptive size; may be null
     */
    public DySpecStrategy(String name, AcceptanceEstimator estimator, TreeCost cost) {
        this.name = name;
        this.estimator = estimator;
        this.cost = cost;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void validate(StrategyOptions options, int maxBudget) {
        Draws.checkBudget(options.budget(), maxBudget);
        if (options.expansionsPerForward() < 1) {
            throw new IllegalArgumentException("expansions per draft forward must be at least 1, got "
                    + options.expansionsPerForward());
        }
        if (options.adaptiveSize() && cost == null) {
            throw new IllegalArgumentException("strategy '" + name + "' has no cost model for adaptive size");
        }
    }

    @Override
    public TokenTree grow(DraftHandle draft, int rootToken, StrategyOptions options, SamplingParams params,
                          RandomGenerator random) {
        TreeBuilder tree = TreeBuilder.rooted(rootToken);
        AcceptanceEstimator estimator = this.estimator.snapshot();
        PriorityQueue<Action> heap = new PriorityQueue<>(BEST_FIRST);
        long[] order = {0};
        float[] rootDist = draft.expand(tree, new int[] {0})[0];
        tree.recordDraw(0, rootDist, Draws.mode(params));
        heap.add(new Action(0, new Residual(rootDist), 1.0, order[0]++));
        boolean adaptive = options.adaptiveSize() && cost != null;
        int nodes = 0;
        double valueSum = 0;
        growing:
        while (nodes < options.budget() && !heap.isEmpty()) {
            int batch = Math.min(options.expansionsPerForward(), options.budget() - nodes);
            List<Integer> added = new ArrayList<>();
            for (int i = 0; i < batch && !heap.isEmpty(); i++) {
                Action next = heap.peek();
                double expected = adaptive ? next.value()
                        * next.residual().expectedAcceptance(estimator, tree.depth(next.node()) + 1, params) : 0;
                // decided before the draw (on its expectation), so the output stays lossless
                if (adaptive && !SizeRule.worthAdding(expected, valueSum, nodes, cost)) {
                    if (added.isEmpty()) {
                        break growing;
                    }
                    break;
                }
                Action a = heap.poll();
                double before = a.residual().remaining();
                int token = Draws.next(a.residual(), params, random);
                double r = a.residual().original(token) / before;
                double accept = estimator.acceptance(r, tree.depth(a.node()) + 1, params);
                double childValue = a.value() * accept;
                added.add(tree.addChild(a.node(), token, childValue));
                valueSum += childValue;
                nodes++;
                if (!a.residual().exhausted()) {
                    heap.add(new Action(a.node(), a.residual(), a.value() * (1 - accept), order[0]++));
                }
            }
            if (nodes >= options.budget() || added.isEmpty()) {
                break; // the last nodes' children could never be added: skip their forward
            }
            int[] expand = added.stream().mapToInt(Integer::intValue).toArray();
            float[][] dists = draft.expand(tree, expand);
            for (int i = 0; i < expand.length; i++) {
                tree.recordDraw(expand[i], dists[i], Draws.mode(params));
                heap.add(new Action(expand[i], new Residual(dists[i]), tree.value(expand[i]), order[0]++));
            }
        }
        return tree.build();
    }

    @Override
    public String toString() {
        return name();
    }
}
