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
import java.util.random.RandomGenerator;

/**
 * DySpec's Algorithm 2 (threshold): the tree grows layer by layer with one batched draft forward per
 * depth. Below each leaf of value v it keeps drawing without replacement while the action's value
 * v·(mass not yet drawn) stays above the threshold; a child inherits v·d[y]. (The paper's pseudocode
 * prints {@code while v < t}; its text means the opposite.) The budget caps the node count.
 */
public final class DySpecThresholdStrategy implements TreeStrategy {

    public static final String NAME = "dyspec-threshold";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void validate(StrategyOptions options, int maxBudget) {
        Draws.checkBudget(options.budget(), maxBudget);
        if (!(options.threshold() > 0 && options.threshold() < 1)) {
            throw new IllegalArgumentException("threshold must be in (0, 1), got " + options.threshold());
        }
    }

    @Override
    public TokenTree grow(DraftHandle draft, int rootToken, StrategyOptions options, SamplingParams params,
                          RandomGenerator random) {
        TreeBuilder tree = TreeBuilder.rooted(rootToken);
        double threshold = options.threshold();
        List<Integer> frontier = List.of(0);
        int nodes = 0;
        while (!frontier.isEmpty() && nodes < options.budget()) {
            float[][] dists = draft.expand(tree, frontier.stream().mapToInt(Integer::intValue).toArray());
            List<Integer> next = new ArrayList<>();
            for (int i = 0; i < frontier.size() && nodes < options.budget(); i++) {
                int parent = frontier.get(i);
                double v = tree.value(parent);
                tree.recordDraw(parent, dists[i], Draws.mode(params));
                Residual residual = new Residual(dists[i]);
                while (nodes < options.budget() && !residual.exhausted() && v * residual.remaining() > threshold) {
                    int token = Draws.next(residual, params, random);
                    double childValue = v * dists[i][token];
                    int child = tree.addChild(parent, token, childValue);
                    nodes++;
                    if (childValue > threshold) {
                        next.add(child);
                    }
                }
            }
            next.sort(Comparator.comparingDouble(tree::value).reversed());
            frontier = next;
        }
        return tree.build();
    }

    @Override
    public String toString() {
        return name();
    }
}
