package dev.dyspec.strategies;

import dev.dyspec.api.TreeCost;
import dev.dyspec.api.TreeStrategy;
import java.util.List;

/** The strategies dyspec ships, each a fresh instance. */
public final class BuiltinStrategies {

    private BuiltinStrategies() {
    }

    /** With a fresh (prior-only) acceptance model and no cost model. */
    public static List<TreeStrategy> all() {
        return all(new AcceptanceModel(), null);
    }

    /**
     * @param acceptance the learned acceptance model the calibrated strategies read
     * @param cost the step cost by tree size for adaptive size; null disables adaptive size
     */
    public static List<TreeStrategy> all(AcceptanceModel acceptance, TreeCost cost) {
        return List.of(new TargetOnlyStrategy(), new ChainStrategy(), new FixedTreeStrategy(),
                new DySpecStrategy(DySpecStrategy.NAME, dev.dyspec.api.AcceptanceEstimator.IDENTITY, cost),
                new DySpecThresholdStrategy(),
                new DySpecStrategy(DySpecStrategy.CALIBRATED_NAME, acceptance, cost),
                new DySpecThresholdStrategy(DySpecThresholdStrategy.CALIBRATED_NAME, acceptance),
                new NgramTreeStrategy(acceptance, cost),
                new DySpecStrategy(DySpecStrategy.NGRAM_NAME, acceptance, cost));
    }

    /** The built-in strategy of that name, or an exception listing the valid names. */
    public static TreeStrategy byName(String name) {
        return byName(all(), name);
    }

    public static TreeStrategy byName(List<TreeStrategy> strategies, String name) {
        return strategies.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow(() ->
                new IllegalArgumentException("unknown strategy '" + name + "'; valid: "
                        + strategies.stream().map(TreeStrategy::name).toList()));
    }
}
