package dev.dyspec.strategies;

import dev.dyspec.api.DraftHandle;
import dev.dyspec.api.SamplingParams;
import dev.dyspec.api.StrategyOptions;
import dev.dyspec.api.TokenTree;
import dev.dyspec.api.TreeBuilder;
import dev.dyspec.api.TreeStrategy;
import java.util.random.RandomGenerator;

/**
 * Classic speculative sampling (Leviathan et al. 2023; Chen et al. 2023): {@code budget} draft tokens
 * in a line, one draft forward each.
 */
public final class ChainStrategy implements TreeStrategy {

    public static final String NAME = "chain";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void validate(StrategyOptions options, int maxBudget) {
        Draws.checkBudget(options.budget(), maxBudget);
    }

    @Override
    public TokenTree grow(DraftHandle draft, int rootToken, StrategyOptions options, SamplingParams params,
                          RandomGenerator random) {
        TreeBuilder tree = TreeBuilder.rooted(rootToken);
        int node = 0;
        double value = 1.0;
        for (int added = 0; added < options.budget(); added++) {
            float[] q = draft.expand(tree, new int[] {node})[0];
            tree.recordDraw(node, q, Draws.mode(params));
            Residual residual = new Residual(q);
            int token = Draws.next(residual, params, random);
            value *= q[token];
            node = tree.addChild(node, token, value);
        }
        return tree.build();
    }

    @Override
    public String toString() {
        return name();
    }
}
