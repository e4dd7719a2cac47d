package dev.dyspec.strategies;

import dev.dyspec.api.DraftHandle;
import dev.dyspec.api.SamplingParams;
import dev.dyspec.api.StrategyOptions;
import dev.dyspec.api.TokenTree;
import dev.dyspec.api.TreeStrategy;
import java.util.random.RandomGenerator;

/** No draft: one target forward per token. The baseline every speedup is measured against. */
public final class TargetOnlyStrategy implements TreeStrategy {

    public static final String NAME = "target-only";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void validate(StrategyOptions options, int maxBudget) {
        // nothing to configure
    }

    @Override
    public boolean usesDraft() {
        return false;
    }

    @Override
    public TokenTree grow(DraftHandle draft, int rootToken, StrategyOptions options, SamplingParams params,
                          RandomGenerator random) {
        return TokenTree.rootOnly(rootToken);
    }

    @Override
    public String toString() {
        return name();
    }
}
