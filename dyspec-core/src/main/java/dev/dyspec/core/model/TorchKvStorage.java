package dev.dyspec.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * Keys and values as one native tensor per layer, so a batched forward writes the new keys of every
 * sequence with one indexed store and gathers every sequence's keys with one indexed load, instead of a
 * dozen tensor operations per sequence and layer. Moves are deferred and carried out together: one
 * gather and one store per layer for every sequence that kept a path.
 */
final class TorchKvStorage implements KvStorage {

    private final NDManager manager;
    final NDArray[] keys;    // (layer) (slots * capacity, kv_heads, head_size)
    final NDArray[] values;  // (layer) (slots * capacity, kv_heads, head_size)
    private final long bytes;
    private final List<long[]> pendingFrom = new ArrayList<>();
    private final List<long[]> pendingTo = new ArrayList<>();
    private int pendingRows;

    TorchKvStorage(NDManager parent, int layers, int kvHeads, int headSize, long rows) {
        this.manager = parent.newSubManager();
        this.keys = new NDArray[layers];
        this.values = new NDArray[layers];
        Shape shape = new Shape(rows, kvHeads, headSize);
        for (int l = 0; l < layers; l++) {
            keys[l] = manager.zeros(shape, DataType.FLOAT32);
            values[l] = manager.zeros(shape, DataType.FLOAT32);
        }
        this.bytes = 2L * layers * rows * kvHeads * headSize * Float.BYTES;
    }

    /** Writes n new entries from {@code startRow}; k and v are (n, kv_heads, head_size). */
    void write(int layer, long startRow, NDArray k, NDArray v) {
        NDIndex at = new NDIndex().addSliceDim(startRow, startRow + k.getShape().get(0));
        keys[layer].set(at, k);
        values[layer].set(at, v);
    }

    /** (end - start, kv_heads, head_size) */
    NDArray keys(int layer, long start, long end) {
        return keys[layer].get(new NDIndex().addSliceDim(start, end));
    }

    NDArray values(int layer, long start, long end) {
        return values[layer].get(new NDIndex().addSliceDim(start, end));
    }

    @Override
    public synchronized void move(long[] from, long[] to) {
        pendingFrom.add(from);
        pendingTo.add(to);
        pendingRows += from.length;
    }

    /** Each sequence moves rows of its own scratch region down into its committed prefix; the gather copies first. */
    @Override
    public synchronized void flushMoves() {
        if (pendingRows == 0) {
            return;
        }
        long[] from = new long[pendingRows];
        long[] to = new long[pendingRows];
        int at = 0;
        for (int i = 0; i < pendingFrom.size(); i++) {
            System.arraycopy(pendingFrom.get(i), 0, from, at, pendingFrom.get(i).length);
            System.arraycopy(pendingTo.get(i), 0, to, at, pendingTo.get(i).length);
            at += pendingFrom.get(i).length;
        }
        pendingFrom.clear();
        pendingTo.clear();
        pendingRows = 0;
        try (NDManager step = manager.newSubManager()) {
            NDIndex source = new NDIndex("{}", step.create(from));
            NDIndex target = new NDIndex("{}", step.create(to));
            for (int l = 0; l < keys.length; l++) {
                keys[l].set(target, keys[l].get(step, source));
                values[l].set(target, values[l].get(step, source));
            }
        }
    }

    @Override
    public long bytes() {
        return bytes;
    }

    @Override
    public synchronized void close() {
        pendingFrom.clear();
        pendingTo.clear();
        pendingRows = 0;
        manager.close();
    }
}
