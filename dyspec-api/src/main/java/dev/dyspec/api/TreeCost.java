package dev.dyspec.api;

/** What one speculative step costs with a tree of n drafted nodes (draft work plus the target forward). */
@FunctionalInterface
public interface TreeCost {

    double cost(int nodes);

    /**
     * The cost with {@code draftForwards} draft forwards for those nodes (fewer than one per node when a
     * strategy expands several nodes per forward); by default one per node.
     */
    default double cost(int nodes, int draftForwards) {
        return cost(nodes);
    }
}
