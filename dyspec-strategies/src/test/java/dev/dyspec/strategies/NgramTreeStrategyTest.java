package dev.dyspec.strategies;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dyspec.api.ContextNgrams;
import dev.dyspec.api.DraftHandle;
import dev.dyspec.api.SamplingParams;
import dev.dyspec.api.StrategyOptions;
import dev.dyspec.api.TokenTree;
import dev.dyspec.api.TreeBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NgramTreeStrategyTest {

    private static ContextNgrams context(int... tokens) {
        ContextNgrams c = new ContextNgrams(4);
        c.append(tokens);
        return c;
    }

    @Test
    void theLongestEarlierSuffixMatchGivesItsContinuationsMostRecentFirst() {
        // ... 1 2 3 | 7 8 ... 1 2 3 | 9 ... 2 3 | 5 ... then the suffix 1 2 3
        ContextNgrams c = context(1, 2, 3, 7, 8, 0, 1, 2, 3, 9, 4, 2, 3, 5, 6, 1, 2, 3);
        List<ContextNgrams.Continuation> found = c.continuations(16, 3);
        assertEquals(2, found.size(), "only the 3-token matches, not the shorter '2 3' one");
        assertEquals(3, found.get(0).matchLength());
        assertArrayEquals(new int[] {9, 4, 2}, found.get(0).tokens());
        assertArrayEquals(new int[] {7, 8, 0}, found.get(1).tokens());
    }

    @Test
    void incrementalAppendsMatchAFreshIndexOfTheSameTokens() {
        SplittableRandom r = new SplittableRandom(5);
        int[] tokens = r.ints(400, 0, 6).toArray();
        ContextNgrams incremental = new ContextNgrams(4);
        for (int i = 0; i < tokens.length; i++) {
            incremental.append(tokens[i]);
            ContextNgrams fresh = context(java.util.Arrays.copyOf(tokens, i + 1));
            List<ContextNgrams.Continuation> a = incremental.continuations(5, 4);
            List<ContextNgrams.Continuation> b = fresh.continuations(5, 4);
            assertEquals(b.size(), a.size());
            for (int k = 0; k < a.size(); k++) {
                assertArrayEquals(b.get(k).tokens(), a.get(k).tokens());
                assertEquals(naiveMatchLength(tokens, i), a.get(k).matchLength());
            }
        }
    }

    /** The longest n ≤ 4 whose suffix ending at end occurred ending earlier. */
    private static int naiveMatchLength(int[] t, int end) {
        for (int n = Math.min(4, end + 1); n >= 1; n--) {
            for (int at = end - 1; at - n + 1 >= 0; at--) {
                boolean same = true;
                for (int i = 0; i < n && same; i++) {
                    same = t[at - i] == t[end - i];
                }
                if (same) {
                    return n;
                }
            }
        }
        return 0;
    }

    @Test
    void theTreeHoldsTheMostFrequentBranchesFirstAsContextPointMasses() {
        // after "1 2", the context continued with 3 4 twice and with 5 once
        ContextNgrams c = context(1, 2, 3, 4, 9, 1, 2, 5, 8, 1, 2, 3, 4, 7, 1, 2);
        DraftHandle handle = contextOnly(c);
        NgramTreeStrategy strategy = new NgramTreeStrategy();
        TokenTree small = strategy.grow(handle, 2, StrategyOptions.defaults().withBudget(2), SamplingParams.greedy(),
                new SplittableRandom(1));
        assertEquals(3, small.size());
        int three = small.child(0, 0);
        assertEquals(3, small.token(three));
        assertEquals(4, small.token(small.child(three, 0)), "the frequent branch grows deeper before a rare one starts");
        assertTrue(small.isPointMass(three), "proposals are point masses for the verifier");
        assertEquals(2.0 / 3, small.evidence(three).share(), 1e-9, "two of the three occurrences continue with 3");
        assertEquals(1.0, small.evidence(small.child(three, 0)).share(), 1e-9, "both occurrences of 3 continue with 4");
        assertEquals(small.evidence(three).matchLength() + 1, small.evidence(small.child(three, 0)).matchLength(),
                "one token deeper, one more token of the suffix matched");

        TokenTree wide = strategy.grow(handle, 2, StrategyOptions.defaults().withBudget(6), SamplingParams.greedy(),
                new SplittableRandom(1));
        List<Integer> firstLevel = new ArrayList<>();
        for (int i = 0; i < wide.childCount(0); i++) {
            firstLevel.add(wide.token(wide.child(0, i)));
        }
        assertEquals(List.of(3, 5), firstLevel, "3 (two occurrences) before 5 (one)");
        assertTrue(wide.value(wide.child(0, 0)) > wide.value(wide.child(0, 1)));
    }

    private static DraftHandle contextOnly(ContextNgrams c) {
        return new DraftHandle() {
            @Override
            public float[][] expand(TreeBuilder tree, int[] nodes) {
                throw new AssertionError("no draft model");
            }

            @Override
            public int vocabSize() {
                return 10;
            }

            @Override
            public ContextNgrams context() {
                return c;
            }
        };
    }

    /**
     * With adaptive size a proposal joins only while R·a_ctx pays for its row: all of them where rows are cheap
     * and proposals are accepted, none where they are rarely accepted (what T = 1 learns), the first few between.
     */
    @Test
    void adaptiveSizeAddsProposalsOnlyWhileTheyPayForTheirRows() {
        ContextNgrams c = context(1, 2, 3, 4, 9, 1, 2, 5, 8, 1, 2, 3, 4, 7, 1, 2);
        StrategyOptions adaptive = StrategyOptions.defaults().withBudget(6).withAdaptiveSize(true);
        dev.dyspec.api.TreeCost cheapRows = n -> 1.0 + 0.01 * n;
        dev.dyspec.api.AcceptanceEstimator sure = acceptingContext(0.95);
        dev.dyspec.api.AcceptanceEstimator rarely = acceptingContext(0.02);
        TokenTree all = new NgramTreeStrategy(sure, cheapRows).grow(contextOnly(c), 2, adaptive, SamplingParams.greedy(),
                new SplittableRandom(1));
        TokenTree plain = new NgramTreeStrategy().grow(contextOnly(c), 2, StrategyOptions.defaults().withBudget(6),
                SamplingParams.greedy(), new SplittableRandom(1));
        assertEquals(plain.size(), all.size(), "every proposal pays: the same tree as without adaptive size");
        TokenTree none = new NgramTreeStrategy(rarely, n -> 1.0 + 0.05 * n).grow(contextOnly(c), 2, adaptive,
                SamplingParams.greedy(), new SplittableRandom(1));
        assertEquals(1, none.size(), "proposals accepted 2% of the time do not pay for a row costing 5% of a step");
        // a row costs 90% of a step: the first proposal (0.95 > 0.9) pays, the one below it (0.95 · 0.95) does
        // not once the step already expects 1.95 tokens: 0.9025 < 1.95 · 0.9 / 1.9
        TokenTree some = new NgramTreeStrategy(sure, n -> 1.0 + 0.9 * n).grow(contextOnly(c), 2, adaptive,
                SamplingParams.greedy(), new SplittableRandom(1));
        assertEquals(2, some.size());
    }

    /** Draws accepted as the paper assumes, context proposals with a fixed probability. */
    private static dev.dyspec.api.AcceptanceEstimator acceptingContext(double a) {
        return new dev.dyspec.api.AcceptanceEstimator() {
            @Override
            public double acceptance(double r, int depth, SamplingParams params) {
                return r;
            }

            @Override
            public double contextAcceptance(dev.dyspec.api.ContextEvidence evidence, SamplingParams params) {
                return a;
            }
        };
    }

    @Test
    void adaptiveSizeWithoutACostModelIsRefused() {
        StrategyOptions adaptive = StrategyOptions.defaults().withBudget(6).withAdaptiveSize(true);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new NgramTreeStrategy().validate(adaptive, 64));
        new NgramTreeStrategy(dev.dyspec.api.AcceptanceEstimator.IDENTITY, n -> 1.0).validate(adaptive, 64);
    }
}
