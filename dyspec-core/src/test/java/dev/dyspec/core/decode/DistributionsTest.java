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
}
