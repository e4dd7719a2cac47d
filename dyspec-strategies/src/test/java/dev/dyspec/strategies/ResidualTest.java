package dev.dyspec.strategies;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dyspec.api.AcceptanceEstimator;
import dev.dyspec.api.SamplingParams;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ResidualTest {

    private final SamplingParams sampled = new SamplingParams(1.0, 1.0, 0);

    /**
     * The expectation Σ r·a(r) over the residual sums the tokens on the learned curve's flat stretch as one
     * mass; it must equal the plain sum with one query per token, before and after draws.
     */
    @ParameterizedTest(name = "vocabulary {0}")
    @ValueSource(ints = {5, 4096, 32000})
    void expectedAcceptanceEqualsTheSumOverEveryToken(int vocab) {
        SplittableRandom random = new SplittableRandom(vocab);
        AcceptanceModel model = new AcceptanceModel(0.5, 4);
        for (int i = 0; i < 50_000; i++) {
            double r = Math.pow(10, -5 * random.nextDouble());
            model.observe(r, 1, random.nextDouble() < Math.sqrt(r), sampled);
        }
        AcceptanceEstimator estimator = model.snapshot();
        float[] d = new float[vocab];
        double total = 0;
        for (int t = 0; t < vocab; t++) {
            d[t] = (float) Math.exp(6 * random.nextGaussian()); // a few heavy tokens, a long light tail
            total += d[t];
        }
        for (int t = 0; t < vocab; t++) {
            d[t] /= (float) total;
        }
        Residual residual = new Residual(d);
        boolean[] drawn = new boolean[vocab];
        for (int draw = 0; draw < Math.min(4, vocab - 1); draw++) {
            double expected = 0;
            double remaining = residual.remaining();
            for (int t = 0; t < vocab; t++) {
                if (d[t] > 0 && !drawn[t]) {
                    double r = d[t] / remaining;
                    expected += r * estimator.acceptance(r, 1, sampled);
                }
            }
            assertEquals(expected, residual.expectedAcceptance(estimator, 1, sampled), 1e-9 * expected, "after " + draw + " draws");
            int token = draw % 2 == 0 ? residual.best() : residual.sample(random); // heavy and light tokens drawn
            drawn[token] = true;
            residual.markDrawn(token);
        }
    }

    /** Drawing greedily past the ranked few must still give the brute-force best each time, ties to the lowest id. */
    @ParameterizedTest(name = "vocabulary {0}")
    @ValueSource(ints = {1, 3, 9, 64, 4096})
    void bestIsTheMostLikelyUndrawnTokenLowestIdOnTies(int vocab) {
        SplittableRandom random = new SplittableRandom(vocab * 7L);
        float[] d = new float[vocab];
        for (int t = 0; t < vocab; t++) {
            d[t] = random.nextInt(6) / 10f; // few distinct values: many ties, some zeros
        }
        Residual residual = new Residual(d);
        boolean[] drawn = new boolean[vocab];
        for (int draw = 0; draw < Math.min(vocab, 3 * Residual.RANKED); draw++) {
            int expected = -1;
            for (int t = 0; t < vocab; t++) {
                if (!drawn[t] && (expected < 0 || d[t] > d[expected])) {
                    expected = t;
                }
            }
            int best = residual.best();
            assertEquals(expected, best, "draw " + draw);
            if (best < 0) {
                break; // everything drawn
            }
            residual.markDrawn(best);
            drawn[best] = true;
            if (draw == 1 && vocab > 4) { // a token drawn out of order (a context proposal) is skipped too
                int other = vocab - 1;
                if (!drawn[other]) {
                    residual.markDrawn(other);
                    drawn[other] = true;
                }
            }
        }
    }

    /** Sampling walks the drawn tokens in order instead of checking them all per token: same draws as that check. */
    @ParameterizedTest(name = "vocabulary {0}")
    @ValueSource(ints = {2, 50, 4096})
    void samplingSkipsExactlyTheDrawnTokens(int vocab) {
        SplittableRandom random = new SplittableRandom(vocab * 13L);
        float[] d = new float[vocab];
        for (int t = 0; t < vocab; t++) {
            d[t] = random.nextInt(4) == 0 ? 0f : (float) random.nextDouble();
        }
        Residual residual = new Residual(d);
        java.util.Set<Integer> drawn = new java.util.HashSet<>();
        for (int i = 0; i < Math.min(vocab - 1, 6); i++) { // out of id order
            int token = (int) ((i * 7919L + 3) % vocab);
            residual.markDrawn(token);
            drawn.add(token);
        }
        SplittableRandom ours = new SplittableRandom(5);
        SplittableRandom reference = new SplittableRandom(5);
        for (int draw = 0; draw < 2000; draw++) {
            double u = reference.nextDouble() * residual.remaining();
            double cdf = 0;
            int expected = -1;
            for (int t = 0; t < vocab; t++) {
                if (d[t] <= 0 || drawn.contains(t)) {
                    continue;
                }
                cdf += d[t];
                expected = t;
                if (u < cdf) {
                    break;
                }
            }
            assertEquals(expected, residual.sample(ours), "draw " + draw);
        }
    }
}
