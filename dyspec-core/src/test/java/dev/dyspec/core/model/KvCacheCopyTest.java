package dev.dyspec.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dyspec.core.testing.RandomModels;
import dev.dyspec.core.testing.TestModels;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A prefix copied from another cache of the pool reads that cache's rows as its committed prefix says, also
 * right after a kept path whose move the storage has not carried out yet.
 */
class KvCacheCopyTest {

    @ParameterizedTest
    @EnumSource(ForwardBackend.class)
    void aCopiedPrefixHoldsTheSourcesRowsEvenWhenItsLastKeepIsStillDeferred(ForwardBackend backend) {
        try (CausalLm lm = TestModels.random(RandomModels.config(16, 32, 2, 2, 1, 40, 64, false), 5, 8, backend).lm();
             KvPool pool = lm.newPool(3, 40)) {
            int[] prompt = {1, 7, 9, 12, 5, 30};
            KvCache source = pool.acquire();
            lm.prefill(source, prompt);
            // two siblings at the next position; the second is kept, so its row moves down one place
            lm.forward(source, new int[] {20, 21}, new int[] {6, 6}, new boolean[][] {{true, false}, {false, true}}, false);
            source.keep(new int[] {1});

            KvCache copy = pool.acquire();
            copy.copyPrefix(source, 7);
            KvCache reference = pool.acquire();
            lm.prefill(reference, new int[] {1, 7, 9, 12, 5, 30, 21});

            float[] next = lm.forward(copy, new int[] {3}, new int[] {7}, new boolean[][] {{true}}, true)[0];
            float[] expected = lm.forward(reference, new int[] {3}, new int[] {7}, new boolean[][] {{true}}, true)[0];
            for (int t = 0; t < expected.length; t++) {
                assertEquals(expected[t], next[t], 1e-4, "logit " + t);
            }
            assertThrows(IllegalArgumentException.class, () -> copy.copyPrefix(source, 8), "past the source's rows");
        }
    }
}
