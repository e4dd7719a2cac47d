package dev.dyspec.strategies;

import dev.dyspec.api.TreeCost;

/**
 * The hardware-aware stopping rule: with S the sum of node values so far (the expected accepted
 * length) and C = cost(N), a step emits 1 + S tokens in time C; one more node of value v pays off when
 * (1 + S + v) / C(N+1) > (1 + S) / C(N), i.e. v > (1 + S) · ΔC / C.
 */
public final class SizeRule {

    private SizeRule() {
    }

    public static boolean worthAdding(double value, double valueSum, int nodes, TreeCost cost) {
        double c = cost.cost(nodes);
        double delta = cost.cost(nodes + 1) - c;
        return value > (1 + valueSum) * delta / c;
    }
}
