package dev.dyspec.strategies;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dyspec.api.DrawMode;
import dev.dyspec.api.SamplingParams;
import dev.dyspec.api.StrategyOptions;
import dev.dyspec.api.TokenTree;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class StrategyBehaviourTest {

    private final SamplingParams greedy = SamplingParams.greedy();

    @Test
    void chainDraftsBudgetTokensInALineWithOneForwardEach() {
        FakeDraft draft = new FakeDraft(20, 2);
        TokenTree tree = new ChainStrategy().grow(draft, 4, StrategyOptions.defaults().withBudget(6), greedy,
                new SplittableRandom(0));
        assertEquals(7, tree.size());
        for (int n = 1; n < tree.size(); n++) {
            assertEquals(n - 1, tree.parent(n));
        }
        assertEquals(6, draft.forwards.size());
    }

    @Test
    void fixedTreeFollowsItsShapeWithOneForwardPerDepth() {
        FakeDraft draft = new FakeDraft(20, 2);
        StrategyOptions options = StrategyOptions.defaults().withBudget(64).withTreeShape(new int[] {3, 2, 1});
        TokenTree tree = new FixedTreeStrategy().grow(draft, 4, options, greedy, new SplittableRandom(0));
        assertEquals(1 + 3 + 6 + 6, tree.size());
        assertEquals(3, draft.forwards.size());
        assertEquals(DrawMode.CHOSEN, tree.drawMode(0));
        float[] q = tree.distribution(0);
        int[] kids = tree.children(0);
        // greedy children are the draft's top-3, in order
        for (int i = 1; i < kids.length; i++) {
            assertTrue(q[tree.token(kids[i - 1])] >= q[tree.token(kids[i])]);
        }
    }

    @Test
    void dyspecWithOneExpansionPerForwardRunsOneForwardPerAddedNode() {
        FakeDraft draft = new FakeDraft(30, 2);
        TokenTree tree = new DySpecStrategy().grow(draft, 4, StrategyOptions.defaults().withBudget(10), greedy,
                new SplittableRandom(0));
        assertEquals(11, tree.size());
        // root, then every added node except the last one
        assertEquals(10, draft.forwards.size());
        for (int[] f : draft.forwards) {
            assertEquals(1, f.length);
        }
    }

    @Test
    void dyspecPopsActionsBestFirst() {
        // Every popped action's value v(parent) * (mass not yet drawn below parent) is at least the
        // value of every action still waiting in the heap when the tree is done.
        FakeDraft draft = new FakeDraft(8, 3);
        TokenTree tree = new DySpecStrategy().grow(draft, 4, StrategyOptions.defaults().withBudget(12), greedy,
                new SplittableRandom(0));
        double minPopped = Double.MAX_VALUE;
        double maxWaiting = 0;
        for (int n = 0; n < tree.size(); n++) {
            float[] q = tree.distribution(n);
            if (q == null) {
                continue;
            }
            double drawn = 0;
            for (int c : tree.children(n)) {
                minPopped = Math.min(minPopped, tree.value(n) * (1 - drawn));
                assertEquals(tree.value(n) * q[tree.token(c)], tree.value(c), 1e-6, "child value is v * d[y]");
                drawn += q[tree.token(c)];
            }
            maxWaiting = Math.max(maxWaiting, tree.value(n) * (1 - drawn));
        }
        assertTrue(maxWaiting <= minPopped + 1e-6, "waiting " + maxWaiting + " > popped " + minPopped);
    }

    @Test
    void thresholdStrategyStopsBelowThreshold() {
        FakeDraft draft = new FakeDraft(30, 2);
        StrategyOptions options = StrategyOptions.defaults().withBudget(64).withThreshold(0.05);
        TokenTree tree = new DySpecThresholdStrategy().grow(draft, 4, options, greedy, new SplittableRandom(0));
        for (int n = 1; n < tree.size(); n++) {
            // a node was added only while its parent's action value was above the threshold
            assertTrue(tree.value(tree.parent(n)) > 0.05);
        }
        assertTrue(tree.size() > 1);
    }

    @Test
    void badParametersFailWithAClearMessage() {
        var budgetZero = assertThrows(IllegalArgumentException.class,
                () -> new ChainStrategy().validate(StrategyOptions.defaults().withBudget(0), 64));
        assertTrue(budgetZero.getMessage().contains("budget must be in [1, 64]"), budgetZero.getMessage());
        var tooBig = assertThrows(IllegalArgumentException.class,
                () -> new DySpecStrategy().validate(StrategyOptions.defaults().withBudget(65), 64));
        assertTrue(tooBig.getMessage().contains("got 65"));
        var threshold = assertThrows(IllegalArgumentException.class,
                () -> new DySpecThresholdStrategy().validate(StrategyOptions.defaults().withThreshold(1.0), 64));
        assertTrue(threshold.getMessage().contains("threshold must be in (0, 1)"));
        var shape = assertThrows(IllegalArgumentException.class, () -> StrategyOptions.parseTreeShape("4,x,2"));
        assertTrue(shape.getMessage().contains("comma-separated list of positive integers"));
        assertThrows(IllegalArgumentException.class, () -> StrategyOptions.parseTreeShape("4,0"));
        assertThrows(IllegalArgumentException.class, () -> new SamplingParams(2.5, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new SamplingParams(1, 0, 0));
    }
}
