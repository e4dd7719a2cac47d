package dev.dyspec.core.model;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Which forwards wake the helpers: the sizes measured to gain from a second core, and only those. */
class ForwardThreadsTest {

    /** Whether a forward of this size takes the helpers; it gives them back at once. */
    private static boolean shares(ForwardThreads threads, int rows, long multiplyAdds) {
        boolean held = threads.begin(rows, multiplyAdds);
        threads.end(held);
        return held;
    }

    @Test
    void aRowOfALargeModelShares() {
        try (ForwardThreads threads = new ForwardThreads(2, "test")) {
            assertTrue(shares(threads, 1, 7_300_000)); // the shipped target, one row
        }
    }

    @Test
    void aRowOfASmallModelRunsAlone() {
        try (ForwardThreads threads = new ForwardThreads(2, "test")) {
            assertFalse(threads.begin(1, 940_000)); // a 0.9 M multiply-add model
            assertFalse(threads.begin(3, 2_800_000));
        }
    }

    @Test
    void severalRowsShareFromTheSmallerThreshold() {
        try (ForwardThreads threads = new ForwardThreads(2, "test")) {
            assertTrue(shares(threads, 8, 5_700_000)); // the shipped draft, eight rows
            assertFalse(threads.begin(8, 100_000));
        }
    }

    @Test
    void aSecondForwardRunsAloneWhileTheFirstHoldsTheHelpers() {
        try (ForwardThreads threads = new ForwardThreads(2, "test")) {
            assertTrue(threads.begin(1, 7_300_000));
            assertFalse(threads.begin(8, 50_000_000));
            threads.end(true);
            assertTrue(shares(threads, 8, 50_000_000));
        }
    }

    @Test
    void oneThreadNeverShares() {
        try (ForwardThreads threads = new ForwardThreads(1, "test")) {
            assertFalse(threads.begin(64, Long.MAX_VALUE));
        }
    }
}
