package dev.dyspec.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Keys and values of one sequence for one model, preallocated to a fixed capacity and written in
 * place. Entries are a committed prefix (tokens the sequence holds) followed by a scratch region (tree
 * nodes of the current step). {@link #keep} gathers the accepted scratch entries onto the prefix.
 */
public final class KvCache implements AutoCloseable {

    private final NDManager manager;
    private final NDArray[] keys;    // (layer) (kv_heads, capacity, head_size)
    private final NDArray[] values;  // (layer) (kv_heads, capacity, head_size)
    private final int capacity;
    private int committed;
    private int scratch;

    KvCache(NDManager parent, int layers, int kvHeads, int headSize, int capacity) {
        this.manager = parent.newSubManager();
        this.capacity = capacity;
        this.keys = new NDArray[layers];
        this.values = new NDArray[layers];
        Shape shape = new Shape(kvHeads, capacity, headSize);
        for (int l = 0; l < layers; l++) {
            keys[l] = manager.zeros(shape, DataType.FLOAT32);
            values[l] = manager.zeros(shape, DataType.FLOAT32);
        }
    }

    public int capacity() {
        return capacity;
    }

    /** Tokens of the sequence held in the cache. */
    public int committed() {
        return committed;
    }

    /** Entries written past the committed prefix during this step. */
    public int scratch() {
        return scratch;
    }

    /** Entries a new token can see: prefix plus scratch. */
    int length() {
        return committed + scratch;
    }

    void ensureRoom(int newTokens) {
        if (length() + newTokens > capacity) {
            throw new IllegalStateException("KV cache full: " + length() + " + " + newTokens + " entries exceed capacity " + capacity);
        }
    }

    /** Writes one layer's keys and values (kv_heads, n, head_size) for n new tokens after the current entries. */
    void write(int layer, NDArray k, NDArray v) {
        int start = length();
        int n = (int) k.getShape().get(1);
        NDIndex at = new NDIndex().addAllDim().addSliceDim(start, start + n);
        keys[layer].set(at, k);
        values[layer].set(at, v);
    }

    NDArray keys(int layer, int length) {
        return keys[layer].get(new NDIndex().addAllDim().addSliceDim(0, length));
    }

    NDArray values(int layer, int length) {
        return values[layer].get(new NDIndex().addAllDim().addSliceDim(0, length));
    }

    /** Marks n entries written by the last forward as scratch. */
    void advance(int n) {
        scratch += n;
    }

    /**
     * Appends the given scratch entries (indices into the scratch region, in sequence order) to the
     * committed prefix and drops the rest of the scratch region.
     */
    public void keep(int[] scratchSlots) {
        for (int s : scratchSlots) {
            if (s < 0 || s >= scratch) {
                throw new IllegalArgumentException("scratch slot " + s + " outside [0, " + scratch + ")");
            }
        }
        boolean inPlace = true;
        for (int i = 0; i < scratchSlots.length; i++) {
            inPlace &= scratchSlots[i] == i;
        }
        if (!inPlace) {
            long[] from = new long[scratchSlots.length];
            for (int i = 0; i < from.length; i++) {
                from[i] = committed + scratchSlots[i];
            }
            try (NDManager step = manager.newSubManager()) {
                NDArray index = step.create(from);
                NDIndex to = new NDIndex(":, {}:{}", committed, committed + from.length);
                for (int l = 0; l < keys.length; l++) {
                    NDArray k = keys[l].get(step, new NDIndex(":, {}", index));
                    NDArray v = values[l].get(step, new NDIndex(":, {}", index));
                    keys[l].set(to, k);
                    values[l].set(to, v);
                }
            }
        }
        committed += scratchSlots.length;
        scratch = 0;
    }

    /** Drops the scratch region. */
    public void discardScratch() {
        scratch = 0;
    }

    /** Appends the whole scratch region, in order, to the committed prefix (no data moves). */
    public void commitScratch() {
        committed += scratch;
        scratch = 0;
    }

    @Override
    public void close() {
        manager.close();
    }
}
