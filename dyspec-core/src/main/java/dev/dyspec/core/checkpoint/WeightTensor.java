package dev.dyspec.core.checkpoint;

import java.util.Arrays;

/**
 * One weight as float32 in Java memory, row-major, before it is handed to the engine.
 *
 * @param shape dimensions, outermost first (Hugging Face Linear layout: [out, in])
 */
public record WeightTensor(String name, int[] shape, float[] data) {

    public WeightTensor {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        if (n != data.length) {
            throw new IllegalArgumentException(name + ": shape " + Arrays.toString(shape) + " needs " + n
                    + " values, got " + data.length);
        }
    }

    public boolean hasShape(int... expected) {
        return Arrays.equals(shape, expected);
    }
}
