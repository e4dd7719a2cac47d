package dev.dyspec.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ContextNgramsTest {

    /**
     * After every token, the continuations are those of a brute-force search: the longest suffix (up to maxN)
     * that occurred before, its most recent occurrences first, each with what followed it. Thousands of
     * distinct n-grams make the index grow many times.
     */
    @ParameterizedTest(name = "vocabulary {0}, maxN {1}")
    @CsvSource({"3, 4", "50, 4", "5000, 3", "2, 1"})
    void continuationsAreTheBruteForceOnes(int vocab, int maxN) {
        SplittableRandom random = new SplittableRandom(vocab * 31L + maxN);
        ContextNgrams index = new ContextNgrams(maxN);
        List<Integer> seen = new ArrayList<>();
        for (int step = 0; step < 3000; step++) {
            int token = random.nextInt(4) == 0 && seen.size() > 10 ? seen.get(seen.size() - 7) : random.nextInt(vocab);
            index.append(token);
            seen.add(token);
            if (step % 7 == 0) {
                List<ContextNgrams.Continuation> expected = bruteForce(seen, maxN, 16, 8);
                List<ContextNgrams.Continuation> actual = index.continuations(16, 8);
                assertEquals(expected.size(), actual.size(), "step " + step);
                for (int i = 0; i < expected.size(); i++) {
                    assertEquals(expected.get(i).matchLength(), actual.get(i).matchLength(), "step " + step);
                    assertArrayEquals(expected.get(i).tokens(), actual.get(i).tokens(), "step " + step + " #" + i);
                }
            }
        }
        assertEquals(seen.size(), index.size());
    }

    private static List<ContextNgrams.Continuation> bruteForce(List<Integer> t, int maxN, int max, int depth) {
        List<ContextNgrams.Continuation> out = new ArrayList<>();
        int end = t.size() - 1;
        for (int n = Math.min(maxN, t.size()); n >= 1 && out.isEmpty(); n--) {
            for (int at = end - 1; at >= n - 1 && out.size() < max; at--) {
                boolean same = true;
                for (int i = 0; i < n && same; i++) {
                    same = t.get(at - i).equals(t.get(end - i));
                }
                if (same) {
                    int length = Math.min(depth, end - at);
                    int[] next = new int[length];
                    for (int i = 0; i < length; i++) {
                        next[i] = t.get(at + 1 + i);
                    }
                    out.add(new ContextNgrams.Continuation(n, next));
                }
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"0", "1"})
    void anEmptyOrOneTokenContextHasNoContinuations(int tokens) {
        ContextNgrams index = new ContextNgrams(4);
        for (int i = 0; i < tokens; i++) {
            index.append(7);
        }
        assertEquals(List.of(), index.continuations(16, 8));
        assertEquals(tokens, index.size());
    }
}
