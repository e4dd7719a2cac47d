package dev.dyspec.strategies;

import dev.dyspec.api.DraftHandle;
import dev.dyspec.api.SamplingParams;
import dev.dyspec.api.StrategyOptions;
import dev.dyspec.api.TokenTree;
import dev.dyspec.api.TreeBuilder;
import dev.dyspec.api.TreeStrategy;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A static tree (SpecInfer/Medusa style): every node at depth d gets {@code treeShape[d]} children,
 * sampled without replacement from the draft (its top-k when greedy). One draft forward per depth;
 * the budget caps the node count.
 */
public final class FixedTreeStrategy implements TreeStrategy {

    public static final String NAME = "fixed-tree";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void validate(StrategyOptions options, int maxBudget) {
        Draws.checkBudget(options.budget(), maxBudget);
        for (int b : options.treeShape()) {
            if (b <= 0) {
                throw new IllegalArgumentException("tree shape entries must be positive integers");
            }
        }
    }

    @Override
    public TokenTree grow(DraftHandle draft, int rootToken, StrategyOptions options, SamplingParams params,
                          RandomGenerator random) {
        TreeBuilder tree = TreeBuilder.rooted(rootToken);
        int[] shape = options.treeShape();
        List<Integer> frontier = List.of(0);
        int nodes = 0;
        for (int depth = 0; depth < shape.length && nodes < options.budget() && !frontier.isEmpty(); depth++) {
            float[][] dists = draft.expand(tree, frontier.stream().mapToInt(Integer::intValue).toArray());
            List<Integer> next = new ArrayList<>();
            for (int i = 0; i < frontier.size() && nodes < options.budget(); i++) {
                int parent = frontier.get(i);
                tree.recordDraw(parent, dists[i], Draws.mode(params));
                Residual residual = new Residual(dists[i]);
                for (int c = 0; c < shape[depth] && nodes < options.budget() && !residual.exhausted(); c++) {
                    int token = Draws.next(residual, params, random);
                    next.add(tree.addChild(parent, token, tree.value(parent) * dists[i][token]));
                    nodes++;
                }
            }
            frontier = next;
        }
        return tree.build();
    }

    @Override
    public String toString() {
        return name();
    }
}
