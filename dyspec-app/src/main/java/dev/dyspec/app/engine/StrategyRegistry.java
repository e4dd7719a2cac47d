package dev.dyspec.app.engine;

import dev.dyspec.api.TreeStrategy;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.stereotype.Component;

/** Every {@link TreeStrategy} bean in the context, selectable by its name. */
@Component
public class StrategyRegistry {

    private final Map<String, TreeStrategy> byName = new TreeMap<>();

    public StrategyRegistry(List<TreeStrategy> strategies) {
        for (TreeStrategy s : strategies) {
            TreeStrategy previous = byName.putIfAbsent(s.name(), s);
            if (previous != null && previous != s) {
                throw new IllegalStateException("two strategies are named '" + s.name() + "': "
                        + previous.getClass().getName() + " and " + s.getClass().getName());
            }
        }
    }

    /** @throws UnknownStrategyException listing the valid names */
    public TreeStrategy get(String name) {
        TreeStrategy s = byName.get(name);
        if (s == null) {
            throw new UnknownStrategyException("unknown strategy '" + name + "'; valid strategies: " + names());
        }
        return s;
    }

    public List<String> names() {
        return List.copyOf(byName.keySet());
    }
}
