package dev.dyspec.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dyspec.core.checkpoint.HalfPrecision;
import org.junit.jupiter.api.Test;

class WeightMatrixTest {

    @Test
    void valuesAnF16CheckpointHoldStayTwoBytesAndReadBackExactly() {
        float[] values = {0f, -0f, 1f, -2.5f, 65504f, -65504f, 0x1p-24f, -0x1p-24f, 0x1.ff8p-15f, 0x1p-14f,
                HalfPrecision.toFloat((short) 0x3555), HalfPrecision.toFloat((short) 0xB1FF)};
        WeightMatrix m = WeightMatrix.compact(values, 3, 4, 3);
        assertEquals(WeightMatrix.Storage.F16, m.storage);
        assertReadsBack(values, m);
    }

    @Test
    void valuesABf16CheckpointHoldStayTwoBytesAndReadBackExactly() {
        float[] values = new float[6];
        for (int i = 0; i < values.length; i++) {
            values[i] = Float.intBitsToFloat(Float.floatToRawIntBits((float) Math.sin(i + 1) * (float) Math.pow(10, i - 2)) & 0xFFFF0000);
        }
        values[5] = 3.0e38f;
        values[5] = Float.intBitsToFloat(Float.floatToRawIntBits(values[5]) & 0xFFFF0000); // beyond F16's range
        WeightMatrix m = WeightMatrix.compact(values, 2, 3, 2);
        assertEquals(WeightMatrix.Storage.BF16, m.storage);
        assertReadsBack(values, m);
    }

    @Test
    void oneValueNeitherHalfHoldsKeepsTheMatrixF32() {
        float[] values = {1f, 0.5f, 0.1f, 2f};
        WeightMatrix m = WeightMatrix.compact(values, 2, 2, 2);
        assertEquals(WeightMatrix.Storage.F32, m.storage);
        assertReadsBack(values, m);
    }

    @Test
    void aShapeThatDoesNotFitTheValuesIsRefused() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> WeightMatrix.compact(new float[5], 2, 3, 2));
    }

    private static void assertReadsBack(float[] values, WeightMatrix m) {
        for (int i = 0; i < m.in; i++) {
            for (int j = 0; j < m.out; j++) {
                assertEquals(Float.floatToRawIntBits(values[i * m.out + j]), Float.floatToRawIntBits(m.get(i, j)), "(" + i + ", " + j + ")");
            }
        }
    }
}
