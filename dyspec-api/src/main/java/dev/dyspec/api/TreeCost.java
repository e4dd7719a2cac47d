package dev.dyspec.api;

/** What one speculative step costs with a tree of n drafted nodes (draft work plus the target forward). */
@FunctionalInterface
public interface TreeCost {

    double cost(int nodes);
}
