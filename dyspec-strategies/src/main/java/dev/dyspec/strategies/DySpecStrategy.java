package dev.dyspec.strategies;

import dev.dyspec.api.DraftHandle;
import dev.dyspec.api.SamplingParams;
import dev.dyspec.api.StrategyOptions;
import dev.dyspec.api.TokenTree;
import dev.dyspec.api.TreeBuilder;
import dev.dyspec.api.TreeStrategy;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.random.RandomGenerator;

/**
 * DySpec's Algorithm 1 (fixed size): a max-heap of sampling actions ordered by value, the estimated
 * probability that the token they draw is accepted. Popping an action draws y from its residual R,
 * adds y with value v·R[y], pushes the sibling action (R without y, value v·(1 − R[y])) and, after the
 * draft forward on y, the child action (value v·R[y]). With {@code expansionsPerForward} = b the b
 * best actions share one draft forward; b = 1 is the paper's algorithm.
 */
public final class DySpecStrategy implements TreeStrategy {

    public static final String NAME = "dyspec";

    /** A pending draw below {@code node}; its value is fixed before the draw happens. */
    private record Action(int node, Residual residual, double value, long order) {
    }

    private static final Comparator<Action> BEST_FIRST =
            Comparator.comparingDouble(Action::value).reversed().thenComparingLong(Action::order);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void validate(StrategyOptions options, int maxBudget) {
        Draws.checkBudget(options.budget(), maxBudget);
        if (options.expansionsPerForward() < 1) {
            throw new IllegalArgumentException("expansions per draft forward must be at least 1, got "
                    + options.expansionsPerForward());
        }
    }

    @Override
    public TokenTree grow(DraftHandle draft, int rootToken, StrategyOptions options, SamplingParams params,
                          RandomGenerator random) {
        TreeBuilder tree = TreeBuilder.rooted(rootToken);
        PriorityQueue<Action> heap = new PriorityQueue<>(BEST_FIRST);
        long[] order = {0};
        float[] rootDist = draft.expand(tree, new int[] {0})[0];
        tree.recordDraw(0, rootDist, Draws.mode(params));
        heap.add(new Action(0, new Residual(rootDist), 1.0, order[0]++));
        int nodes = 0;
        while (nodes < options.budget() && !heap.isEmpty()) {
            int batch = Math.min(options.expansionsPerForward(), options.budget() - nodes);
            List<Integer> added = new ArrayList<>();
            for (int i = 0; i < batch && !heap.isEmpty(); i++) {
                Action a = heap.poll();
                double before = a.residual().remaining();
                int token = Draws.next(a.residual(), params, random);
                double r = a.residual().original(token) / before;
                added.add(tree.addChild(a.node(), token, a.value() * r));
                nodes++;
                if (!a.residual().exhausted()) {
                    heap.add(new Action(a.node(), a.residual(), a.value() * (1 - r), order[0]++));
                }
            }
            if (nodes >= options.budget()) {
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
