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
}
