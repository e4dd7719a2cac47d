package dev.dyspec.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;

class VectorExpTest {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    @Test
    void valuesAreWithinTwoUlpsOfTheCorrectlyRoundedExp() {
        Random random = new Random(5);
        float[] x = new float[S.length() * 4096];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (random.nextDouble() * 175 - 87);
        }
        float[] lanes = lanes(x);
        for (int i = 0; i < x.length; i++) {
            float expected = (float) Math.exp(x[i]);
            assertTrue(Math.abs(lanes[i] - expected) <= 2 * Math.ulp(expected), "e^" + x[i] + ": " + lanes[i] + " vs " + expected);
        }
    }

    @Test
    void aLaneAndTheScalarFormGiveTheSameBits() {
        Random random = new Random(6);
        float[] x = new float[S.length() * 1024];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (random.nextGaussian() * 40);
        }
        float[] lanes = lanes(x);
        for (int i = 0; i < x.length; i++) {
            assertEquals(Float.floatToRawIntBits(VectorExp.exp(x[i])), Float.floatToRawIntBits(lanes[i]), "e^" + x[i]);
        }
    }

    /** The reason the class exists: the vector API's EXP changed its last bits once C2 compiled the caller. */
    @Test
    void valuesDoNotChangeOnceTheJitCompilesTheLoop() {
        Random random = new Random(7);
        float[] x = new float[S.length() * 64];
        for (int i = 0; i < x.length; i++) {
            x[i] = -10 * random.nextFloat();
        }
        float[] first = lanes(x);
        float[] last = first;
        for (int round = 0; round < 100_000; round++) {
            last = lanes(x);
        }
        for (int i = 0; i < x.length; i++) {
            assertEquals(Float.floatToRawIntBits(first[i]), Float.floatToRawIntBits(last[i]), "e^" + x[i]);
        }
    }

    @Test
    void shiftAndScaleApplyBeforeTheExpAndTheTailMatchesTheLanes() {
        Random random = new Random(8);
        int count = 3 * S.length() + 5;
        float[] source = new float[count + 4];
        for (int i = 0; i < source.length; i++) {
            source[i] = (float) (random.nextGaussian() * 6);
        }
        float[] target = new float[count + 2];
        VectorExp.exp(source, 4, target, 2, count, 1.5f, 0.625f);
        for (int i = 0; i < count; i++) {
            float x = (source[4 + i] - 1.5f) * 0.625f;
            assertEquals(Float.floatToRawIntBits(VectorExp.exp(x)), Float.floatToRawIntBits(target[2 + i]), "e^" + x);
        }
        assertEquals(0f, target[0]);
        assertEquals(0f, target[1]);
    }

    @Test
    void edgesOfTheFloatRange() {
        float[] x = new float[S.length()];
        float[][] cases = {
            {0f, 1f},
            {Float.NEGATIVE_INFINITY, 0f},
            {-1e9f, 0f},
            {-104f, 0f},
            {Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY},
            {89f, Float.POSITIVE_INFINITY},
            {88.7f, (float) Math.exp(88.7f)},
            {-87.3f, (float) Math.exp(-87.3f)},
            {1f, (float) Math.E},
        };
        for (float[] c : cases) {
            java.util.Arrays.fill(x, c[0]);
            float lane = lanes(x)[0];
            assertTrue(Math.abs(lane - c[1]) <= 2 * Math.ulp(c[1]) || lane == c[1], "e^" + c[0] + ": " + lane + " vs " + c[1]);
            assertEquals(lane, VectorExp.exp(c[0]), "scalar e^" + c[0]);
        }
        java.util.Arrays.fill(x, Float.NaN);
        assertTrue(Float.isNaN(lanes(x)[0]));
        assertTrue(Float.isNaN(VectorExp.exp(Float.NaN)));
    }

    /** Whole vectors only, so every value comes from a lane. */
    private static float[] lanes(float[] x) {
        float[] out = new float[x.length];
        VectorExp.exp(x, 0, out, 0, x.length, 0f, 1f);
        return out;
    }
}
