package dev.dyspec.core.model;

/**
 * Keys and values in Java arrays for {@link JavaKernel}: per layer and slot one array of (capacity,
 * kv_heads, head_size), so no array grows past what one sequence needs. Moves happen at once.
 */
final class HeapKvStorage implements KvStorage {

    final float[][][] keys;    // (layer) (slot) (capacity * kv_dim)
    final float[][][] values;  // (layer) (slot) (capacity * kv_dim)
    final int capacity;
    final int kvDim;

    HeapKvStorage(int layers, int kvDim, int slots, int capacity) {
        if ((long) capacity * kvDim > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("a KV cache of " + capacity + " entries of " + kvDim
                    + " floats exceeds what one Java array holds");
        }
        this.capacity = capacity;
        this.kvDim = kvDim;
        this.keys = new float[layers][slots][capacity * kvDim];
        this.values = new float[layers][slots][capacity * kvDim];
    }

    @Override
    public void move(long[] from, long[] to) {
        int n = from.length;
        for (int l = 0; l < keys.length; l++) {
            for (float[][] table : new float[][][] {keys[l], values[l]}) {
                float[] staged = new float[n * kvDim];
                for (int i = 0; i < n; i++) {
                    System.arraycopy(table[slot(from[i])], entry(from[i]), staged, i * kvDim, kvDim);
                }
                for (int i = 0; i < n; i++) {
                    System.arraycopy(staged, i * kvDim, table[slot(to[i])], entry(to[i]), kvDim);
                }
            }
        }
    }

    private int slot(long row) {
        return (int) (row / capacity);
    }

    private int entry(long row) {
        return (int) (row % capacity) * kvDim;
    }

    @Override
    public void flushMoves() {
    }

    @Override
    public long bytes() {
        return 2L * keys.length * keys[0].length * capacity * kvDim * Float.BYTES;
    }

    @Override
    public void close() {
    }
}
