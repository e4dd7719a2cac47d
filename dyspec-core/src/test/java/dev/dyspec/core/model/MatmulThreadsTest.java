package dev.dyspec.core.model;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Which forwards wake the helpers: the sizes measured to gain from a second core, and only those. */
class MatmulThreadsTest {

    @Test
    void aRowOfALargeModelShares() {
        try (MatmulThreads threads = new MatmulThreads(2, "test")) {
            boolean held = threads.begin(1, 7_300_000); // the shipped target, one row
            threads.end(held);
            assertTrue(held);
        }
    }

    @Test
    void aRowOfASmallModelRunsAlone() {
        try (MatmulThreads threads = new MatmulThreads(2, "test")) {
            assertFalse(threads.begin(1, 940_000)); // a 0.9 M multiply-add model
            assertFalse(threads.begin(3, 2_800_000));
        }
    }

    @Test
    void severalRowsShareFromTheSmallerThreshold() {
        try (MatmulThreads threads = new MatmulThreads(2, "test")) {
            boolean held = threads.begin(8, 5_700_000); // the shipped draft, eight rows
            threads.end(held);
            assertTrue(held);
            assertFalse(threads.begin(8, 100_000));
        }
    }

    @Test
    void aSecondForwardRunsAloneWhileTheFirstHoldsTheHelpers() {
        try (MatmulThreads threads = new MatmulThreads(2, "test")) {
            assertTrue(threads.begin(1, 7_300_000));
            assertFalse(threads.begin(8, 50_000_000));
            threads.end(true);
            boolean again = threads.begin(8, 50_000_000);
            threads.end(again);
            assertTrue(again);
        }
    }

    @Test
    void oneThreadNeverShares() {
        try (MatmulThreads threads = new MatmulThreads(1, "test")) {
            assertFalse(threads.begin(64, Long.MAX_VALUE));
        }
    }
}
