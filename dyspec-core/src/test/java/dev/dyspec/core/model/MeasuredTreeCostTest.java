package dev.dyspec.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class MeasuredTreeCostTest {

    @Test
    void everySizeUpToSixteenRowsIsMeasuredAndOneBeyondTheLargestTree() {
        assertArrayEquals(new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, MeasuredTreeCost.measuredSizes(8));
        assertArrayEquals(new int[] {1, 2}, MeasuredTreeCost.measuredSizes(0));
        assertArrayEquals(new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 32, 64, 128},
                MeasuredTreeCost.measuredSizes(64));
        assertArrayEquals(new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 32, 64, 128},
                MeasuredTreeCost.measuredSizes(500));
    }

    /** The shipped target's staircase (ms, context 128): a fifth row costs what it costs, not a line's share. */
    @Test
    void aStaircaseIsReadAtItsSteps() {
        int[] sizes = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        double[] ms = {0.73, 1.07, 1.15, 1.25, 2.49, 2.59, 2.69, 2.40, 3.31, 3.47};
        MeasuredTreeCost cost = new MeasuredTreeCost(sizes, ms, 0.06);
        assertEquals(1.25 + 3 * 0.06, cost.cost(3), 1e-12); // 3 nodes: 4 rows and 3 draft forwards
        assertEquals(2.49 + 4 * 0.06, cost.cost(4), 1e-12);
        assertEquals(2.40 + 0.06, cost.cost(7, 1), 1e-12);
        assertEquals(3.47 + (3.47 - 3.31) * 2, cost.targetCost(12), 1e-12); // past the last point: its slope
    }

    @Test
    void aPointMovesTowardsWhatItsForwardsTakeAndOutliersCountAsThreeTimesIt() {
        MeasuredTreeCost cost = new MeasuredTreeCost(new int[] {1, 2, 4}, new double[] {0.6, 1.0, 1.2}, 0.05);
        for (int i = 0; i < 400; i++) {
            cost.observeTarget(1, 0.8);
            cost.observeDraft(0.07);
        }
        assertEquals(0.8, cost.targetCost(1), 1e-3);
        assertEquals(0.07, cost.draftMsPerNode(), 1e-4);
        assertEquals(1.0, cost.targetCost(2), 0); // no forward of 2 rows seen
        cost.observeTarget(3, 50); // no point of 3 rows: read between 2 and 4, never moved
        assertEquals(1.1, cost.targetCost(3), 1e-12);
        cost.observeTarget(2, 1000); // a pause: counts as 3.0
        assertEquals(1.0 + MeasuredTreeCost.LEARNING_RATE * (3.0 - 1.0), cost.targetCost(2), 1e-12);
    }

    @Test
    void followingModelsLearnsFromScoredForwardsOnly() {
        dev.dyspec.core.checkpoint.ModelConfig config = dev.dyspec.core.testing.RandomModels.config(32, 64, 2, 4, 2, 64, 400, true);
        try (LanguageModel target = dev.dyspec.core.testing.TestModels.random(config, 9, 66);
             LanguageModel draft = dev.dyspec.core.testing.TestModels.random(config, 4, 66)) {
            // absurd start values (a second per forward): every real forward pulls them down
            MeasuredTreeCost cost = new MeasuredTreeCost(new int[] {1, 2, 3}, new double[] {1000, 1000, 1000}, 1000)
                    .follow(target.lm(), draft.lm());
            try (KvCache t = target.lm().newCache(32); KvCache d = draft.lm().newCache(32)) {
                target.lm().prefill(t, new int[] {1, 5, 7}); // 3 rows, none scored: not a tree step
                assertEquals(1000, cost.targetCost(3), 0);
                target.lm().forwardChain(t, new int[] {9}, true);
                draft.lm().forwardChain(d, new int[] {9}, true);
                d.discardScratch();
                draft.lm().forwardChain(d, new int[] {9, 9}, true); // two draft rows: not a node's forward
            }
            assertEquals(1000 * (1 - MeasuredTreeCost.LEARNING_RATE), cost.targetCost(1), 1);
            assertEquals(1000 * (1 - MeasuredTreeCost.LEARNING_RATE), cost.draftMsPerNode(), 1);
            assertEquals(1000, cost.targetCost(2), 0);
        }
    }
}
