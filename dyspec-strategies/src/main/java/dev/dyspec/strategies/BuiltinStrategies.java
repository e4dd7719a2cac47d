package dev.dyspec.strategies;

import dev.dyspec.api.TreeStrategy;
import java.util.List;

/** The strategies dyspec ships, each a fresh instance. */
public final class BuiltinStrategies {

    private BuiltinStrategies() {
    }

    public static List<TreeStrategy> all() {
        return List.of(new TargetOnlyStrategy(), new ChainStrategy(), new FixedTreeStrategy(), new DySpecStrategy(),
                new DySpecThresholdStrategy());
    }

    /** The built-in strategy of that name, or an exception listing the valid names. */
    public static TreeStrategy byName(String name) {
        return all().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow(() ->
                new IllegalArgumentException("unknown strategy '" + name + "'; valid: "
                        + all().stream().map(TreeStrategy::name).toList()));
    }
}
