package dev.dyspec.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VectorMathTest {

    @ParameterizedTest(name = "{0} rows, {1} -> {2}")
    @CsvSource({"1, 7, 5", "1, 64, 4096", "2, 33, 77", "3, 256, 688", "5, 128, 130", "16, 100, 257", "9, 17, 1"})
    void productsMatchADoublePrecisionReference(int n, int in, int out) {
        Random random = new Random(n * 31L + in * 7L + out);
        float[] x = gaussian(random, n * in);
        float[] w = gaussian(random, in * out);
        float[] y = new float[n * out];
        VectorMath.matmul(x, n, WeightMatrix.floats(w, in, out), y);
        for (int r = 0; r < n; r++) {
            for (int j = 0; j < out; j++) {
                double expected = 0;
                double scale = 0;
                for (int i = 0; i < in; i++) {
                    expected += (double) x[r * in + i] * w[i * out + j];
                    scale += Math.abs((double) x[r * in + i] * w[i * out + j]);
                }
                assertTrue(Math.abs(y[r * out + j] - expected) <= 1e-5 * scale + 1e-6,
                        "row " + r + " column " + j + ": " + y[r * out + j] + " vs " + expected);
            }
        }
    }

    /** Row blocking and the split across threads only change who computes a column, never its bits. */
    @ParameterizedTest(name = "{0} rows, {1} -> {2}")
    @CsvSource({"1, 256, 768", "2, 300, 1376", "7, 256, 4096", "16, 688, 256", "3, 64, 1001"})
    void aRowsResultDoesNotDependOnItsCompanyOrTheThreads(int n, int in, int out) {
        Random random = new Random(n + in + out);
        float[] x = gaussian(random, n * in);
        float[] w = gaussian(random, in * out);
        WeightMatrix m = WeightMatrix.floats(w, in, out);
        float[] together = new float[n * out];
        VectorMath.matmul(x, n, m, together);
        float[] split = new float[n * out];
        try (ForwardThreads threads = new ForwardThreads(3, "test")) {
            boolean held = threads.begin(Integer.MAX_VALUE, Long.MAX_VALUE);
            threads.matmul(held, x, n, m, split);
            threads.end(held);
            assertTrue(held, "a forward takes idle helpers");
        }
        assertArrayEquals(together, split);
        for (int r = 0; r < n; r++) {
            float[] alone = new float[out];
            VectorMath.matmul(java.util.Arrays.copyOfRange(x, r * in, (r + 1) * in), 1, m, alone);
            assertArrayEquals(alone, java.util.Arrays.copyOfRange(together, r * out, (r + 1) * out), "row " + r);
        }
    }

    /**
     * Weights kept as F16 or BF16 are widened exactly in registers and accumulated in the F32 order, so
     * their products are the F32 products of the same values bit for bit, in every row and thread layout.
     */
    @ParameterizedTest(name = "{0}: {1} rows, {2} -> {3}")
    @CsvSource({"F16, 1, 256, 768", "F16, 2, 33, 77", "F16, 3, 64, 1001", "F16, 4, 17, 40", "F16, 9, 100, 257",
            "F16, 16, 688, 256", "F16, 13, 32, 100", "F16, 8, 40, 64", "BF16, 1, 64, 4096", "BF16, 2, 7, 5", "BF16, 5, 128, 130",
            "BF16, 12, 300, 1376", "BF16, 19, 9, 33", "F16, 6, 40, 70", "F16, 7, 256, 100", "BF16, 10, 64, 96",
            "F16, 14, 33, 65", "F16, 15, 17, 31", "BF16, 17, 20, 200", "F16, 25, 64, 130"})
    void halfStoredWeightsGiveTheProductsOfTheirF32Values(WeightMatrix.Storage storage, int n, int in, int out) {
        Random random = new Random(n * 131L + in * 17L + out);
        float[] x = gaussian(random, n * in);
        float[] w = gaussian(random, in * out);
        for (int i = 0; i < w.length; i++) {
            float v = i % 97 == 0 ? w[i] * 0x1p-20f : w[i] * 0.05f; // some F16 subnormals
            w[i] = storage == WeightMatrix.Storage.BF16 ? Float.intBitsToFloat(Float.floatToRawIntBits(v) & 0xFFFF0000)
                    : dev.dyspec.core.checkpoint.HalfPrecision.toFloat(dev.dyspec.core.checkpoint.HalfPrecision.fromFloat(v));
        }
        WeightMatrix half = WeightMatrix.compact(w, in, out, HalfMatmul.panelColumns());
        assertEquals(storage, half.storage);
        float[] expected = new float[n * out];
        VectorMath.matmul(x, n, WeightMatrix.floats(w, in, out), expected);
        float[] y = new float[n * out];
        VectorMath.matmul(x, n, half, y);
        assertArrayEquals(expected, y);
        float[] split = new float[n * out];
        try (ForwardThreads threads = new ForwardThreads(3, "test")) {
            boolean held = threads.begin(Integer.MAX_VALUE, Long.MAX_VALUE);
            threads.matmul(held, x, n, half, split);
            threads.end(held);
        }
        assertArrayEquals(expected, split);
    }

    /** Attention's pieces at head sizes and lengths around the vector width, against plain double loops. */
    @ParameterizedTest(name = "head size {0}, {1} positions")
    @CsvSource({"8, 5", "16, 17", "64, 130", "64, 64", "24, 1", "128, 77", "80, 300", "96, 9", "6, 40", "10, 33", "7, 2", "64, 31"})
    void attentionStepsMatchADoublePrecisionReference(int hd, int length) {
        Random random = new Random(hd * 1000L + length);
        int capacity = length + 3;
        int kvHeads = 2;
        float[] q = gaussian(random, hd);
        float[] keys = gaussian(random, kvHeads * hd * capacity + VectorMath.keysPadding()); // position last, then the padding scores may read
        float[] scores = new float[VectorMath.paddedPositions(length)];
        VectorMath.scores(q, 0, keys, hd * capacity, capacity, hd, length, scores); // second kv head
        double[] expected = new double[length];
        for (int p = 0; p < length; p++) {
            for (int t = 0; t < hd; t++) {
                expected[p] += (double) q[t] * keys[(hd + t) * capacity + p];
            }
            assertTrue(Math.abs(scores[p] - expected[p]) <= 1e-5 * (1 + Math.abs(expected[p])), "score " + p);
        }
        float[] probs = scores.clone();
        VectorMath.softmax(probs, length);
        double max = java.util.Arrays.stream(expected).max().orElseThrow();
        double total = java.util.Arrays.stream(expected).map(e -> Math.exp(e - max)).sum();
        for (int p = 0; p < length; p++) {
            assertTrue(Math.abs(probs[p] - Math.exp(expected[p] - max) / total) <= 1e-5, "probability " + p);
        }
        int[] rows = random.ints(length, 0, capacity).toArray();
        float[] values = gaussian(random, capacity * kvHeads * hd);
        float[] out = new float[hd + 4];
        VectorMath.weightedRows(probs, rows, length, values, kvHeads * hd, hd, out, 4, hd);
        for (int t = 0; t < hd; t++) {
            double sum = 0;
            for (int c = 0; c < length; c++) {
                sum += probs[c] * (double) values[rows[c] * kvHeads * hd + hd + t];
            }
            assertTrue(Math.abs(out[4 + t] - sum) <= 1e-5 * (1 + Math.abs(sum)), "weighted value " + t);
        }
    }

    /**
     * A tree's node and the same token decoded alone see their keys at different lengths; their scores must
     * still be the same bits, or a tree would not verify exactly what plain decoding gives.
     */
    @ParameterizedTest(name = "head size {0}")
    @CsvSource({"64", "128", "6", "16"})
    void aPositionsScoreIsTheSameBitsWhateverLengthItIsComputedWith(int hd) {
        Random random = new Random(hd);
        int capacity = 150;
        float[] q = gaussian(random, hd);
        float[] keys = gaussian(random, hd * capacity + VectorMath.keysPadding());
        float[] all = new float[VectorMath.paddedPositions(capacity)];
        VectorMath.scores(q, 0, keys, 0, capacity, hd, capacity, all);
        for (int length = 1; length <= capacity; length++) {
            float[] some = new float[VectorMath.paddedPositions(length)];
            VectorMath.scores(q, 0, keys, 0, capacity, hd, length, some);
            assertArrayEquals(java.util.Arrays.copyOf(all, length), java.util.Arrays.copyOf(some, length), "length " + length);
        }
    }

    /** Two rows scored and summed together give each the bits it gets alone: pairing only shares the loads. */
    @ParameterizedTest(name = "head size {0}, {1} positions, {2} shared")
    @CsvSource({"64, 80, 70", "64, 17, 17", "128, 130, 100", "80, 45, 40", "16, 3, 0", "64, 400, 391"})
    void pairedRowsGetTheBitsEachGetsAlone(int hd, int length, int shared) {
        Random random = new Random(hd * 31L + length);
        int capacity = length + 5;
        int kvHeads = 2;
        float[] q = gaussian(random, 3 * hd);
        float[] keys = gaussian(random, kvHeads * hd * capacity + VectorMath.keysPadding());
        float[][] pairScores = {new float[VectorMath.paddedPositions(length)], new float[VectorMath.paddedPositions(length)]};
        VectorMath.scoresPair(q, 0, 2 * hd, keys, hd * capacity, capacity, hd, length, pairScores[0], pairScores[1]);
        for (int row = 0; row < 2; row++) {
            float[] alone = new float[VectorMath.paddedPositions(length)];
            VectorMath.scores(q, 2 * hd * row, keys, hd * capacity, capacity, hd, length, alone);
            assertArrayEquals(java.util.Arrays.copyOf(alone, length), java.util.Arrays.copyOf(pairScores[row], length), "row " + row);
        }
        float[] values = gaussian(random, capacity * kvHeads * hd);
        int[][] rows = new int[2][];
        float[][] probs = new float[2][];
        for (int row = 0; row < 2; row++) {
            int count = shared + random.nextInt(length - shared + 1);
            rows[row] = new int[count];
            for (int c = 0; c < count; c++) {
                rows[row][c] = c < shared ? c : shared + random.nextInt(capacity - shared);
            }
            probs[row] = gaussian(random, count);
        }
        float[] paired = new float[3 * hd];
        VectorMath.weightedRowsPair(probs[0], rows[0], rows[0].length, probs[1], rows[1], rows[1].length, shared,
                values, kvHeads * hd, hd, paired, 0, 2 * hd, hd);
        float[] alone = new float[3 * hd];
        VectorMath.weightedRows(probs[0], rows[0], rows[0].length, values, kvHeads * hd, hd, alone, 0, hd);
        VectorMath.weightedRows(probs[1], rows[1], rows[1].length, values, kvHeads * hd, hd, alone, 2 * hd, hd);
        assertArrayEquals(alone, paired);
    }

    @ParameterizedTest(name = "hidden {0}")
    @CsvSource({"7", "16", "688", "33"})
    void swigluMatchesADoublePrecisionReference(int hidden) {
        Random random = new Random(hidden);
        float[] gateUp = gaussian(random, 3 + 2 * hidden);
        float[] out = new float[hidden];
        VectorMath.swiglu(gateUp, 3, hidden, out, 0);
        for (int j = 0; j < hidden; j++) {
            double g = gateUp[3 + j];
            double expected = g / (1 + Math.exp(-g)) * gateUp[3 + hidden + j];
            assertTrue(Math.abs(out[j] - expected) <= 1e-5 * (1 + Math.abs(expected)), "column " + j);
        }
    }

    private static float[] gaussian(Random random, int size) {
        float[] a = new float[size];
        for (int i = 0; i < size; i++) {
            a[i] = (float) random.nextGaussian();
        }
        return a;
    }
}
