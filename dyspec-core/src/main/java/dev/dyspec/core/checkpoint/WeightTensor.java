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

    /**
     * Fails, naming the file, the tensor and the position, when a value is NaN or infinite: a corrupted
     * checkpoint must stop start-up, not turn every answer into noise.
     */
    public void requireFinite(java.nio.file.Path file) {
        for (int i = 0; i < data.length; i++) {
            if (!Float.isFinite(data[i])) {
                throw new CheckpointException(file, "tensor '" + name + "' holds " + data[i] + " at index " + i
                        + "; the checkpoint is corrupted");
            }
        }
    }

    public boolean hasShape(int... expected) {
        return Arrays.equals(shape, expected);
    }
}
