package dev.dyspec.core.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DistributionsTest {

    /**
     * The vector-exp softmax every sampled step uses (and the Math.exp one of JVMs without the vector module)
     * gives the double-precision softmax's probabilities.
     */
    @ParameterizedTest(name = "{0} tokens at temperature {1}")
    @CsvSource({"7, 1.0", "4096, 1.0", "4096, 0.3", "4099, 2.0", "32003, 0.7", "151936, 1.0"})
    void vectorSoftmaxMatchesADoublePrecisionReference(int vocab, double temperature) {
        Random random = new Random(vocab);
        float[] logits = new float[vocab];
        for (int i = 0; i < vocab; i++) {
            logits[i] = (float) (8 * random.nextGaussian());
        }
        logits[vocab / 2] = -1e9f; // a masked token
        logits[vocab - 1] = Float.NEGATIVE_INFINITY; // a banned one
        float[] p = Distributions.softmax(logits, temperature);
        float[] scalar = Distributions.scalarSoftmax(logits, temperature);
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double sum = 0;
        for (float l : logits) {
            sum += Math.exp((l - max) / temperature);
        }
        double total = 0;
        for (int i = 0; i < vocab; i++) {
            double expected = Math.exp((logits[i] - max) / temperature) / sum;
            assertEquals(expected, p[i], 2e-6 * expected + 1e-12, "token " + i);
            assertEquals(expected, scalar[i], 2e-6 * expected + 1e-12, "token " + i + " by Math.exp");
            total += p[i];
        }
        assertEquals(0f, p[vocab / 2]);
        assertEquals(0f, p[vocab - 1]);
        assertTrue(Math.abs(total - 1) < 1e-5, "sums to " + total);
    }

    /** The vector argmax the greedy verifier uses answers as the scalar scan: first index of the maximum. */
    @ParameterizedTest(name = "{0} tokens, case {1}")
    @CsvSource({"1, plain", "7, plain", "4096, plain", "4099, ties", "4099, tail", "4096, nan", "4096, nanfirst",
        "33, infinite", "40, zeros"})
    void vectorArgmaxIsTheFirstIndexOfTheMaximum(int vocab, String shape) {
        Random random = new Random(vocab + shape.hashCode());
        float[] logits = new float[vocab];
        for (int i = 0; i < vocab; i++) {
            logits[i] = (float) (4 * random.nextGaussian());
        }
        switch (shape) {
            case "ties" -> {
                logits[vocab - 3] = 100f;
                logits[17] = 100f;
                logits[2000] = 100f;
            }
            case "tail" -> logits[vocab - 1] = 100f;
            case "nan" -> logits[vocab / 3] = Float.NaN;
            case "nanfirst" -> logits[0] = Float.NaN;
            case "infinite" -> java.util.Arrays.fill(logits, Float.NEGATIVE_INFINITY);
            case "zeros" -> {
                java.util.Arrays.fill(logits, -1f);
                logits[5] = -0f;
                logits[9] = 0f;
            }
            default -> {
            }
        }
        int expected = 0;
        for (int i = 1; i < vocab; i++) {
            if (logits[i] > logits[expected]) {
                expected = i;
            }
        }
        assertEquals(expected, Distributions.argmax(logits));
        assertEquals(expected, VectorScans.argmax(logits));
    }
}
