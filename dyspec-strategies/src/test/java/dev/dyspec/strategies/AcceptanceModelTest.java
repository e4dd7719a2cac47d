package dev.dyspec.strategies;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dyspec.api.SamplingParams;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class AcceptanceModelTest {

    private final SamplingParams sampled = new SamplingParams(1.0, 1.0, 0);

    @Test
    void withoutDataItIsThePrior() {
        AcceptanceModel identity = new AcceptanceModel();
        AcceptanceModel power = new AcceptanceModel(0.25, 4);
        for (int b = 0; b < AcceptanceModel.BINS; b++) {
            double r = AcceptanceModel.centre(b);
            assertEquals(r, identity.acceptance(r, 1, sampled), 1e-9);
            assertEquals(Math.pow(r, 0.25), power.acceptance(r, 1, sampled), 1e-9);
        }
    }

    @Test
    void convergesToAKnownAcceptanceFunction() {
        AcceptanceModel model = new AcceptanceModel();
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 400_000; i++) {
            double r = Math.pow(10, -3 * random.nextDouble()); // log-uniform in [1e-3, 1]
            double truth = Math.pow(r, 0.25);
            model.observe(r, 1, random.nextDouble() < truth, sampled);
        }
        for (double r : new double[] {0.002, 0.01, 0.05, 0.2, 0.5}) {
            assertEquals(Math.pow(r, 0.25), model.acceptance(r, 1, sampled), 0.03, "at r = " + r);
        }
        // the top bin spans r in [0.56, 1]: beyond its centre the estimate is the bin's average
        assertEquals(Math.pow(0.9, 0.25), model.acceptance(0.9, 1, sampled), 0.06);
        double[] curve = model.curve(AcceptanceModel.Band.HIGH);
        for (int b = 1; b < curve.length; b++) {
            assertTrue(curve[b] >= curve[b - 1], "monotone");
        }
        // other temperature bands learned nothing and stay at the prior
        double r = AcceptanceModel.centre(5);
        assertEquals(r, model.acceptance(r, 1, SamplingParams.greedy()), 1e-9);
        assertEquals(400_000, model.observations(AcceptanceModel.Band.HIGH));
    }

    @Test
    void staysMonotoneOnNoisyData() {
        double[] fitted = AcceptanceModel.poolAdjacentViolators(new double[] {0.1, 0.5, 0.3, 0.4, 0.2, 0.9},
                new double[] {1, 1, 1, 1, 1, 1});
        assertArrayEquals(new double[] {0.1, 0.35, 0.35, 0.35, 0.35, 0.9}, fitted, 1e-12);
    }

    @Test
    void exportAndParseRoundTrip() {
        AcceptanceModel model = new AcceptanceModel(0.5, 3);
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < 5000; i++) {
            double r = random.nextDouble();
            model.observe(r, 2, random.nextDouble() < r, i % 2 == 0 ? sampled : SamplingParams.greedy());
        }
        AcceptanceModel copy = AcceptanceModel.parse(model.export());
        assertEquals(model.export(), copy.export());
        for (AcceptanceModel.Band band : AcceptanceModel.Band.values()) {
            assertArrayEquals(model.curve(band), copy.curve(band), 0.0);
        }
        assertThrows(IllegalArgumentException.class, () -> AcceptanceModel.parse("something else"));
    }

    @Test
    void concurrentObservationsAreAllCounted() throws InterruptedException {
        AcceptanceModel model = new AcceptanceModel();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        for (int t = 0; t < 4; t++) {
            pool.submit(() -> {
                for (int i = 0; i < 10_000; i++) {
                    model.observe(0.3, 1, i % 3 == 0, sampled);
                    model.acceptance(0.3, 1, sampled);
                }
            });
        }
        pool.shutdown();
        assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
        assertEquals(40_000, model.observations(AcceptanceModel.Band.HIGH));
    }
}
