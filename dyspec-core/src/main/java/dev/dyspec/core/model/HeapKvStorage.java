package dev.dyspec.core.model;

/**
 * Keys and values in Java arrays for {@link JavaKernel}, per layer and slot, so no array grows past what
 * one sequence needs. Keys are stored transposed, position last: a query's scores against every position
 * are then products along contiguous memory, vectorized over positions. Moves happen at once.
 */
final class HeapKvStorage implements KvStorage {

    final float[][][] keys;    // (layer) (slot) (kv_heads * head_size, capacity) + padding: keys[c * capacity + position]
    final float[][][] values;  // (layer) (slot) (capacity, kv_heads * head_size)
    final int capacity;
    final int kvDim;

    HeapKvStorage(int layers, int kvDim, int slots, int capacity) {
        if ((long) capacity * kvDim > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("a KV cache of " + capacity + " entries of " + kvDim
                    + " floats exceeds what one Java array holds");
        }
        this.capacity = capacity;
        this.kvDim = kvDim;
        this.keys = new float[layers][slots][];
        for (float[][] layer : keys) {
            for (int slot = 0; slot < slots; slot++) {
                layer[slot] = new float[capacity * kvDim + VectorMath.keysPadding()]; // see VectorMath.paddedPositions
            }
        }
        this.values = new float[layers][slots][capacity * kvDim];
    }

    @Override
    public void move(long[] from, long[] to) {
        int n = from.length;
        float[] staged = new float[n * kvDim];
        for (int l = 0; l < keys.length; l++) {
            for (int i = 0; i < n; i++) {
                System.arraycopy(values[l][slot(from[i])], position(from[i]) * kvDim, staged, i * kvDim, kvDim);
            }
            for (int i = 0; i < n; i++) {
                System.arraycopy(staged, i * kvDim, values[l][slot(to[i])], position(to[i]) * kvDim, kvDim);
            }
            for (int i = 0; i < n; i++) {
                float[] k = keys[l][slot(from[i])];
                for (int c = 0; c < kvDim; c++) {
                    staged[i * kvDim + c] = k[c * capacity + position(from[i])];
                }
            }
            for (int i = 0; i < n; i++) {
                float[] k = keys[l][slot(to[i])];
                for (int c = 0; c < kvDim; c++) {
                    k[c * capacity + position(to[i])] = staged[i * kvDim + c];
                }
            }
        }
    }

    private int slot(long row) {
        return (int) (row / capacity);
    }

    private int position(long row) {
        return (int) (row % capacity);
    }

    @Override
    public void flushMoves() {
    }

    @Override
    public long bytes() {
        return (2L * capacity * kvDim + VectorMath.keysPadding()) * keys.length * keys[0].length * Float.BYTES;
    }

    @Override
    public void close() {
    }
}
