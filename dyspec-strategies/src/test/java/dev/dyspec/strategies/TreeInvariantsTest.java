package dev.dyspec.strategies;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dyspec.api.SamplingParams;
import dev.dyspec.api.StrategyOptions;
import dev.dyspec.api.TokenTree;
import dev.dyspec.api.TreeStrategy;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TreeInvariantsTest {

    static Stream<Arguments> cases() {
        List<TreeStrategy> strategies = BuiltinStrategies.all();
        return strategies.stream().flatMap(s -> Stream.of(
                Arguments.of(s, 0.0), Arguments.of(s, 0.7), Arguments.of(s, 1.0)));
    }

    @ParameterizedTest(name = "{0} T={1}")
    @MethodSource("cases")
    void treesAreDepthFirstWithinBudgetAndHaveDistinctSiblings(TreeStrategy strategy, double temperature) {
        SplittableRandom random = new SplittableRandom(1);
        for (int trial = 0; trial < 200; trial++) {
            int budget = 1 + random.nextInt(40);
            double sharpness = 0.5 + 3 * random.nextDouble();
            StrategyOptions options = StrategyOptions.defaults().withBudget(budget)
                    .withThreshold(0.001 + 0.2 * random.nextDouble())
                    .withTreeShape(new int[] {1 + random.nextInt(4), 1 + random.nextInt(3), 2, 1})
                    .withExpansionsPerForward(1 + random.nextInt(3));
            FakeDraft draft = new FakeDraft(5 + random.nextInt(40), sharpness);
            SamplingParams params = new SamplingParams(temperature, 1.0, trial);
            TokenTree tree = strategy.grow(draft, 3, options, params, random.split());

            assertEquals(3, tree.token(0), "root token");
            assertTrue(tree.draftedNodes() <= budget, strategy.name() + " exceeded budget " + budget);
            if (!strategy.usesDraft()) {
                assertEquals(0, tree.draftedNodes());
            }
            boolean[][] mask = tree.ancestorMask();
            for (int n = 1; n < tree.size(); n++) {
                int parent = tree.parent(n);
                assertTrue(parent >= 0 && parent < n, "parent precedes child in depth-first order");
                assertEquals(tree.depth(parent) + 1, tree.depth(n));
                assertNotNull(tree.distribution(parent), "an expanded node keeps its draw distribution");
                for (int j = 0; j < tree.size(); j++) {
                    assertEquals(tree.isAncestorOrSelf(j, n), mask[n][j]);
                }
            }
            int next = 0;
            next = checkPreorder(tree, 0, next);
            assertEquals(tree.size(), next, "every node visited once in preorder");
            for (int n = 0; n < tree.size(); n++) {
                Set<Integer> seen = new HashSet<>();
                for (int c : tree.children(n)) {
                    assertTrue(seen.add(tree.token(c)), "duplicate sibling token under node " + n);
                }
            }
        }
    }

    /** Depth-first order: each node's subtree occupies the indices right after it. */
    private static int checkPreorder(TokenTree tree, int node, int expected) {
        assertEquals(expected, node, "node numbering is depth-first");
        int next = expected + 1;
        for (int c : tree.children(node)) {
            next = checkPreorder(tree, c, next);
        }
        return next;
    }
}
