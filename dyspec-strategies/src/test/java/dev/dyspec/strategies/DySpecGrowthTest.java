package dev.dyspec.strategies;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dyspec.api.AcceptanceEstimator;
import dev.dyspec.api.ContextEvidence;
import dev.dyspec.api.ContextNgrams;
import dev.dyspec.api.SamplingParams;
import dev.dyspec.api.StrategyOptions;
import dev.dyspec.api.TokenTree;
import dev.dyspec.api.TreeCost;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class DySpecGrowthTest {

    @ParameterizedTest(name = "temperature={0}")
    @ValueSource(doubles = {0.0, 1.0})
    void severalExpansionsPerForwardGrowTheTreeOneAtATimeWouldButInFewerForwards(double temperature) {
        SamplingParams params = new SamplingParams(temperature, 1.0, 5);
        StrategyOptions options = StrategyOptions.defaults().withBudget(16);
        FakeDraft one = new FakeDraft(12, 1.5);
        TokenTree b1 = new DySpecStrategy().grow(one, 4, options, params, new SplittableRandom(3));
        FakeDraft four = new FakeDraft(12, 1.5);
        TokenTree b4 = new DySpecStrategy().grow(four, 4, options.withExpansionsPerForward(4), params, new SplittableRandom(3));
        assertEquals(shape(b1), shape(b4), "b = 4 keeps b = 1's tree, depth included");
        assertTrue(four.forwards.size() < one.forwards.size(),
                "forwards: b = 4 " + four.forwards.size() + ", b = 1 " + one.forwards.size());
        assertTrue(four.forwards.stream().anyMatch(f -> f.length > 1), "some forward expands several nodes");
    }

    @Test
    void adaptiveSizeRunsNoDraftForwardThatNoNodeFollows() {
        // a constant acceptance makes the bound on a node's next child exact
        AcceptanceEstimator half = (r, depth, params) -> 0.5;
        TreeCost cost = byForwards((nodes, draftForwards) -> 1.0 + 0.1 * nodes + 0.1 * draftForwards);
        FakeDraft draft = new FakeDraft(12, 1.5);
        TokenTree tree = new DySpecStrategy("calibrated", half, cost).grow(draft, 4,
                StrategyOptions.defaults().withBudget(64).withAdaptiveSize(true), SamplingParams.greedy(),
                new SplittableRandom(1));
        assertTrue(tree.size() > 2 && tree.size() < 65, "the size rule stopped the tree at " + tree.size());
        // nodes are numbered as they are added: a forward after which none was added was paid for nothing
        int lastAdded = tree.size() - 1;
        for (int[] forward : draft.forwards) {
            assertTrue(Arrays.stream(forward).max().orElseThrow() < lastAdded,
                    "no node was added after the forward over " + Arrays.toString(forward));
        }
    }

    /**
     * Whatever the cost curve (measured ones are noisy, even non-monotone) and the estimates, every draft
     * forward expands nodes whose ancestors were expanded before or in the same forward — also when the
     * size rule skipped a forward and context proposals grew below a node that was never expanded.
     */
    @Test
    void noForwardExpandsANodeBelowOneThatWasNeverExpanded() {
        ContextNgrams context = new ContextNgrams(4);
        context.append(new int[] {1, 2, 3, 5, 7, 9, 1, 2, 3, 5, 8, 9, 1, 2, 3});
        SplittableRandom random = new SplittableRandom(7);
        for (int trial = 0; trial < 400; trial++) {
            double[] table = new double[70];
            for (int n = 0; n < table.length; n++) {
                table[n] = 1 + random.nextDouble() * 3; // no order at all
            }
            double perForward = random.nextDouble() * 2;
            TreeCost cost = byForwards((nodes, draftForwards) -> table[Math.min(nodes, table.length - 1)]
                    + perForward * draftForwards);
            double draftScale = random.nextDouble();
            double contextAcceptance = random.nextDouble();
            AcceptanceEstimator estimator = new AcceptanceEstimator() {
                @Override
                public double acceptance(double r, int depth, SamplingParams params) {
                    return draftScale * r;
                }

                @Override
                public double contextAcceptance(ContextEvidence evidence, SamplingParams params) {
                    return contextAcceptance;
                }
            };
            SamplingParams params = new SamplingParams(trial % 2 == 0 ? 0 : 1.0, 1.0, trial);
            TokenTree tree = new DySpecStrategy(DySpecStrategy.NGRAM_NAME, estimator, cost).grow(withContext(context), 3,
                    StrategyOptions.defaults().withBudget(1 + random.nextInt(16)).withAdaptiveSize(true)
                            .withExpansionsPerForward(1 + random.nextInt(3)), params, new SplittableRandom(trial));
            assertTrue(tree.size() >= 1); // FakeDraft throws when a node is expanded before its parent
        }
    }

    /**
     * With adaptive size, context proposals that pay go in before any draft forward: a confident context chain
     * leaves the root too little to draw for its forward to pay, so none runs (before, the root was expanded
     * first, always); a doubtful one leaves room, and one forward covers the root and the proposals together.
     */
    @Test
    void adaptiveSizeTakesPayingContextProposalsBeforeTheFirstDraftForward() {
        ContextNgrams context = new ContextNgrams(4);
        context.append(new int[] {1, 2, 3, 5, 7, 9, 1, 2, 3, 5, 7, 9, 1, 2, 3});
        TreeCost cost = byForwards((nodes, draftForwards) -> 1.0 + 0.05 * nodes + 0.3 * draftForwards);
        FakeDraft confident = withContext(context);
        TokenTree chain = new DySpecStrategy(DySpecStrategy.NGRAM_NAME, paperWithContextAcceptance(0.99), cost)
                .grow(confident, 3, StrategyOptions.defaults().withBudget(8).withAdaptiveSize(true),
                        SamplingParams.greedy(), new SplittableRandom(1));
        assertTrue(chain.size() > 3, "the context's chain went in: " + chain.size() + " nodes");
        assertEquals(0, confident.forwards.size(), "no draft forward: after the chain the root has 1% left to draw");

        FakeDraft doubtful = withContext(context);
        TokenTree mixed = new DySpecStrategy(DySpecStrategy.NGRAM_NAME, paperWithContextAcceptance(0.3), cost)
                .grow(doubtful, 3, StrategyOptions.defaults().withBudget(8).withAdaptiveSize(true),
                        SamplingParams.greedy(), new SplittableRandom(1));
        assertTrue(mixed.size() > 1);
        assertTrue(doubtful.forwards.size() > 0, "a doubtful context leaves the draft something to add");
        assertTrue(Arrays.stream(doubtful.forwards.get(0)).anyMatch(n -> n == 0), "the first forward expands the root");
    }

    @Test
    void theNgramHybridMixesContextProposalsWithDraftDrawsAndFollowsALearnedContextAcceptance() {
        ContextNgrams context = new ContextNgrams(4);
        context.append(new int[] {1, 2, 3, 5, 7, 9, 1, 2, 3, 5, 7, 9, 1, 2, 3});
        FakeDraft flat = withContext(context);
        AcceptanceEstimator trustsContext = paperWithContextAcceptance(0.95);
        TokenTree tree = new DySpecStrategy(DySpecStrategy.NGRAM_NAME, trustsContext, null).grow(flat, 3,
                StrategyOptions.defaults().withBudget(10), SamplingParams.greedy(), new SplittableRandom(1));
        // the context continues 3 with 5 7 9 1 2 3: a deep chain of proposals, then draft draws beside it
        int node = 0;
        int[] expected = {5, 7, 9, 1, 2, 3};
        for (int token : expected) {
            int next = -1;
            for (int c : tree.children(node)) {
                if (tree.token(c) == token) {
                    next = c;
                }
            }
            assertTrue(next > 0, "proposal " + token + " below node " + node);
            assertNotNull(tree.evidence(next));
            node = next;
        }
        assertEquals(1.0, tree.evidence(tree.child(0, 0)).share(), 1e-9, "both occurrences continue with 5");
        long drawn = java.util.stream.IntStream.range(1, tree.size()).filter(n -> tree.evidence(n) == null).count();
        assertTrue(drawn > 0, "the draft still adds its own candidates");
        assertEquals(11, tree.size());
        // the draft's draws below a node leave the proposals there out
        for (int n = 0; n < tree.size(); n++) {
            Set<Integer> tokens = new HashSet<>();
            for (int c : tree.children(n)) {
                assertTrue(tokens.add(tree.token(c)), "one child per token");
            }
        }

        AcceptanceEstimator distrustsContext = paperWithContextAcceptance(1e-4);
        FakeDraft again = withContext(context);
        TokenTree without = new DySpecStrategy(DySpecStrategy.NGRAM_NAME, distrustsContext, null).grow(again, 3,
                StrategyOptions.defaults().withBudget(10), SamplingParams.greedy(), new SplittableRandom(1));
        for (int n = 1; n < without.size(); n++) {
            assertNull(without.evidence(n), "proposals that are never accepted lose to every draft draw");
        }
    }

    @Test
    void thePapersDyspecGrowsFromTheDraftAtTemperatureSixTenthsUnlessTheRequestSaysOtherwise() {
        StrategyOptions defaults = StrategyOptions.defaults();
        assertEquals(0.6, new DySpecStrategy().draftTemperature(defaults));
        assertEquals(1.0, new DySpecStrategy().draftTemperature(defaults.withDraftTemperature(1.0)));
        AcceptanceModel model = new AcceptanceModel();
        assertTrue(Double.isNaN(new DySpecStrategy(DySpecStrategy.CALIBRATED_NAME, model, null).draftTemperature(defaults)),
                "a learned curve keeps the temperature it learned from: the request's");
        assertTrue(Double.isNaN(new ChainStrategy().draftTemperature(defaults)));
        var bad = assertThrows(IllegalArgumentException.class, () -> defaults.withDraftTemperature(0));
        assertTrue(bad.getMessage().contains("draft temperature must be in (0, 2.0]"), bad.getMessage());
    }

    /** Step cost by nodes and draft forwards. */
    private interface CostByForwards {
        double cost(int nodes, int draftForwards);
    }

    /** A cost model that counts draft forwards as they are batched (one per node by default). */
    private static TreeCost byForwards(CostByForwards f) {
        return new TreeCost() {
            @Override
            public double cost(int nodes) {
                return f.cost(nodes, nodes);
            }

            @Override
            public double cost(int nodes, int draftForwards) {
                return f.cost(nodes, draftForwards);
            }
        };
    }

    /** A flat draft whose request context is {@code context}. */
    private static FakeDraft withContext(ContextNgrams context) {
        return new FakeDraft(12, 0.3) {
            @Override
            public ContextNgrams context() {
                return context;
            }
        };
    }

    /** a(r) = r for draft draws, a constant for context proposals. */
    private static AcceptanceEstimator paperWithContextAcceptance(double context) {
        return new AcceptanceEstimator() {
            @Override
            public double acceptance(double r, int depth, SamplingParams params) {
                return r;
            }

            @Override
            public double contextAcceptance(ContextEvidence evidence, SamplingParams params) {
                return context;
            }
        };
    }

    /** Each node's token and its parent's builder index, in the order nodes were added. */
    private static String shape(TokenTree tree) {
        String[] nodes = new String[tree.size()];
        for (int n = 0; n < tree.size(); n++) {
            int parent = tree.parent(n);
            nodes[tree.builderIndex(n)] = tree.token(n) + "<" + (parent < 0 ? -1 : tree.builderIndex(parent));
        }
        return String.join(" ", nodes);
    }
}
