package dev.dyspec.strategies;

import dev.dyspec.api.AcceptanceEstimator;
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
 * v·(mass not yet drawn) stays above the threshold; a child inherits v·d[y]. With a learned
 * {@link AcceptanceEstimator} the child gets (action value)·a(R[y]) and the action keeps
 * (action value)·(1 − a(R[y])), which reduces to the paper's values for a(r) = r. (The paper's pseudocode
 * prints {@code while v < t}; its text means the opposite.) The budget caps the node count.
 */
public final class DySpecThresholdStrategy implements TreeStrategy {

    public static final String NAME = "dyspec-threshold";
    public static final String CALIBRATED_NAME = "dyspec-calibrated-threshold";

    private final String name;
    private final AcceptanceEstimator estimator;

    /** The paper's algorithm: a(r) = r. */
    public DySpecThresholdStrategy() {
        this(NAME, AcceptanceEstimator.IDENTITY);
    }

    public DySpecThresholdStrategy(String name, AcceptanceEstimator estimator) {
        this.name = name;
        this.estimator = estimator;
    }

    @Override
    public String name() {
        return name;
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
        AcceptanceEstimator estimator = this.estimator.snapshot();
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
                double actionValue = v; // v times the estimated chance that no earlier sibling was accepted
                while (nodes < options.budget() && !residual.exhausted() && actionValue > threshold) {
                    double before = residual.remaining();
                    int token = Draws.next(residual, params, random);
                    double accept = estimator.acceptance(dists[i][token] / before, tree.depth(parent) + 1, params);
                    double childValue = actionValue * accept;
                    actionValue *= 1 - accept;
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
