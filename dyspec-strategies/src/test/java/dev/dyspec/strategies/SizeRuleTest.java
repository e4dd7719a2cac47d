package dev.dyspec.strategies;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dyspec.api.AcceptanceEstimator;
import dev.dyspec.api.BatchCompany;
import dev.dyspec.api.DraftHandle;
import dev.dyspec.api.SamplingParams;
import dev.dyspec.api.StrategyOptions;
import dev.dyspec.api.TokenTree;
import dev.dyspec.api.TreeBuilder;
import dev.dyspec.api.TreeCost;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SizeRuleTest {

    @Test
    void nodeIsWorthAddingExactlyWhenItRaisesTokensPerSecond() {
        TreeCost cost = n -> 10 + 2.0 * n;
        // (1 + S + v) / C(N+1) > (1 + S) / C(N)  <=>  v > (1 + S) * ΔC / C
        double s = 1.5;
        int n = 5;
        double threshold = (1 + s) * 2.0 / 20.0;
        assertTrue(SizeRule.worthAdding(threshold + 1e-9, s, n, cost));
        assertFalse(SizeRule.worthAdding(threshold, s, n, cost));
        double before = (1 + s) / cost.cost(n);
        double after = (1 + s + threshold + 0.01) / cost.cost(n + 1);
        assertTrue(after > before);
    }

    /**
     * Beside other generations the step is their shared forward: a node pays for the time it adds to all of
     * them, so the threshold is read at the batch's rows with the others' tokens counted.
     */
    @Test
    void inABatchANodeMustPayForTheTimeItAddsToEveryone() {
        TreeCost cost = n -> 10 + 2.0 * n;
        double s = 1.5;
        int n = 5;
        BatchCompany company = new BatchCompany(20, 6.0);
        // the step's time C = cost(20 + 5), its tokens 1 + S + 6
        double threshold = (1 + s + 6.0) * 2.0 / cost.cost(25);
        assertTrue(SizeRule.worthAdding(threshold + 1e-9, s, n, n, true, cost, company));
        assertFalse(SizeRule.worthAdding(threshold, s, n, n, true, cost, company));
        double value = (1 + s) * 2.0 / cost.cost(n) + 0.01; // worth it alone
        assertTrue(SizeRule.worthAdding(value, s, n, n, true, cost, BatchCompany.ALONE));
        assertFalse(SizeRule.worthAdding(value, s, n, n, true, cost, company), "not beside seven others");
        assertEquals(SizeRule.worthAdding(value, s, n, cost), SizeRule.worthAdding(value, s, n, n, true, cost,
                BatchCompany.ALONE));
    }

    /** The same chain as below, grown beside a batch: fewer nodes, and as many as the rule at the batch says. */
    @Test
    void dyspecGrowsSmallerTreesInABatch() {
        DraftHandle draft = chainDraft(new BatchCompany(30, 12.0));
        TreeCost cost = n -> 1.0 + 0.15 * n;
        int expected = 0;
        double s = 0;
        while (Math.pow(0.9, expected + 1) > (1 + s + 12.0) * 0.15 / cost.cost(30 + expected)) {
            expected++;
            s += Math.pow(0.9, expected);
        }
        DySpecStrategy strategy = new DySpecStrategy("dyspec", AcceptanceEstimator.IDENTITY, cost);
        TokenTree tree = strategy.grow(draft, 1, StrategyOptions.defaults().withBudget(64).withAdaptiveSize(true),
                SamplingParams.greedy(), new SplittableRandom(0));
        assertEquals(expected, tree.draftedNodes());
        assertTrue(expected >= 1 && expected < 10, "a meaningful test case, smaller than alone: " + expected);
    }

    /** Every node's draft puts 0.9 on token 0: the tree is a chain of values 0.9^k while growth pays. */
    @Test
    void dyspecStopsWhereTheMarginalConditionSays() {
        DraftHandle draft = chainDraft(BatchCompany.ALONE);
        TreeCost cost = n -> 1.0 + 0.15 * n;
        // expected size from the rule itself: keep adding 0.9^(N+1) while it beats (1 + S) ΔC / C
        int expected = 0;
        double s = 0;
        while (Math.pow(0.9, expected + 1) > (1 + s) * 0.15 / cost.cost(expected)) {
            expected++;
            s += Math.pow(0.9, expected);
        }
        assertTrue(expected > 1 && expected < 40, "a meaningful test case: " + expected);
        DySpecStrategy strategy = new DySpecStrategy("dyspec", AcceptanceEstimator.IDENTITY, cost);
        TokenTree tree = strategy.grow(draft, 1, StrategyOptions.defaults().withBudget(64).withAdaptiveSize(true),
                SamplingParams.greedy(), new SplittableRandom(0));
        assertEquals(expected, tree.draftedNodes());
        TokenTree fixed = strategy.grow(draft, 1, StrategyOptions.defaults().withBudget(64), SamplingParams.greedy(),
                new SplittableRandom(0));
        assertEquals(64, fixed.draftedNodes(), "without the rule the budget is a target");
    }

    @Test
    void calibratedValuesUseTheEstimator() {
        FakeDraft draft = new FakeDraft(12, 2);
        AcceptanceEstimator half = (r, depth, params) -> 0.5;
        TokenTree tree = new DySpecStrategy("dyspec-calibrated", half, null).grow(draft, 3,
                StrategyOptions.defaults().withBudget(6), SamplingParams.greedy(), new SplittableRandom(0));
        for (int n = 1; n < tree.size(); n++) {
            int siblingsBefore = 0;
            for (int c : tree.children(tree.parent(n))) {
                if (c == n) {
                    break;
                }
                siblingsBefore++;
            }
            // v_parent * (1 - a)^(earlier siblings) * a
            assertEquals(tree.value(tree.parent(n)) * Math.pow(0.5, siblingsBefore + 1), tree.value(n), 1e-12);
        }
    }

    /** A draft that puts 0.9 on token 0 after every node, growing beside {@code company}. */
    private static DraftHandle chainDraft(BatchCompany company) {
        int vocab = 10;
        return new DraftHandle() {
            @Override
            public float[][] expand(TreeBuilder tree, int[] nodes) {
                float[][] out = new float[nodes.length][vocab];
                for (float[] d : out) {
                    Arrays.fill(d, 0.1f / (vocab - 1));
                    d[0] = 0.9f;
                }
                return out;
            }

            @Override
            public int vocabSize() {
                return vocab;
            }

            @Override
            public BatchCompany company() {
                return company;
            }
        };
    }
}
