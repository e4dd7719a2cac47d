package dev.dyspec.strategies;

import dev.dyspec.api.BatchCompany;
import dev.dyspec.api.TreeCost;

/**
 * The hardware-aware stopping rule: with S the sum of node values so far (the expected accepted
 * length) and C = cost(N, F) for N nodes and F draft forwards, a step emits 1 + S tokens in time C; one
 * more node of value v pays off when (1 + S + v) / C' > (1 + S) / C, i.e. v > (1 + S) · (C' − C) / C,
 * where C' counts the node and, if it needs one, another draft forward. Batched with other generations
 * ({@link BatchCompany}) the step is the shared forward: C is read at the batch's rows and the step emits the
 * others' tokens too, v > (1 + S + T_others) · (C' − C) / C — a node pays for the time it adds to everyone.
 */
public final class SizeRule {

    private SizeRule() {
    }

    /** One draft forward per node. */
    public static boolean worthAdding(double value, double valueSum, int nodes, TreeCost cost) {
        return worthAdding(value, valueSum, nodes, nodes, true, cost);
    }

    public static boolean worthAdding(double value, double valueSum, int nodes, int draftForwards,
                                      boolean needsForward, TreeCost cost) {
        return worthAdding(value, valueSum, nodes, draftForwards, needsForward, cost, BatchCompany.ALONE);
    }

    public static boolean worthAdding(double value, double valueSum, int nodes, int draftForwards,
                                      boolean needsForward, TreeCost cost, BatchCompany company) {
        // the others' rows stand in front of this tree's in the forward: cost(n) prices n nodes and a root
        double c = cost.cost(company.rows() + nodes, draftForwards);
        double delta = cost.cost(company.rows() + nodes + 1, draftForwards + (needsForward ? 1 : 0)) - c;
        return value > (1 + valueSum + company.tokens()) * delta / c;
    }
}
