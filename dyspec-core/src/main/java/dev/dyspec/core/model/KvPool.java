package dev.dyspec.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Key/value storage for a fixed number of sequences of one model, allocated once. Each layer holds one
 * tensor whose rows are (slot, position) pairs, so a batched forward writes the new keys of every
 * sequence with one indexed store and gathers every sequence's keys with one indexed load, instead of
 * a dozen tensor operations per sequence and layer.
 */
public final class KvPool implements AutoCloseable {

    private final NDManager manager;
    final NDArray[] keys;    // (layer) (slots * capacity, kv_heads, head_size): row = slot * capacity + position
    final NDArray[] values;  // (layer) (slots * capacity, kv_heads, head_size)
    private final int slots;
    private final int capacity;
    private final long bytes;
    private final Deque<Integer> free = new ArrayDeque<>();

    KvPool(NDManager parent, int layers, int kvHeads, int headSize, int slots, int capacity) {
        if (slots < 1 || capacity < 1) {
            throw new IllegalArgumentException("a KV pool needs at least one slot of one entry");
        }
        this.manager = parent.newSubManager();
        this.slots = slots;
        this.capacity = capacity;
        this.keys = new NDArray[layers];
        this.values = new NDArray[layers];
        Shape shape = new Shape((long) slots * capacity, kvHeads, headSize);
        for (int l = 0; l < layers; l++) {
            keys[l] = manager.zeros(shape, DataType.FLOAT32);
            values[l] = manager.zeros(shape, DataType.FLOAT32);
        }
        this.bytes = 2L * layers * slots * capacity * kvHeads * headSize * Float.BYTES;
        for (int s = 0; s < slots; s++) {
            free.add(s);
        }
    }

    /**
     * A cache for one sequence.
     *
     * @throws KvPoolExhaustedException when every slot is in use
     */
    public synchronized KvCache acquire() {
        Integer slot = free.poll();
        if (slot == null) {
            throw new KvPoolExhaustedException("all " + slots + " KV cache slots are in use");
        }
        return new KvCache(this, slot, false);
    }

    synchronized void release(int slot) {
        free.add(slot);
    }

    private final java.util.List<long[]> pendingFrom = new java.util.ArrayList<>();
    private final java.util.List<long[]> pendingTo = new java.util.ArrayList<>();
    private int pendingRows;

    /** Copies rows {@code from[i]} to {@code to[i]} in every layer, at the next {@link #flushMoves}. */
    synchronized void move(long[] from, long[] to) {
        pendingFrom.add(from);
        pendingTo.add(to);
        pendingRows += from.length;
    }

    /**
     * Carries out every pending move: one gather and one store per layer for all sequences together. Each
     * sequence moves rows of its own scratch region down into its committed prefix, so the gather (a copy)
     * reads every source before any destination is written.
     */
    synchronized void flushMoves() {
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
            ai.djl.ndarray.index.NDIndex source = new ai.djl.ndarray.index.NDIndex("{}", step.create(from));
            ai.djl.ndarray.index.NDIndex target = new ai.djl.ndarray.index.NDIndex("{}", step.create(to));
            for (int l = 0; l < keys.length; l++) {
                keys[l].set(target, keys[l].get(step, source));
                values[l].set(target, values[l].get(step, source));
            }
        }
    }

    public int slots() {
        return slots;
    }

    public synchronized int freeSlots() {
        return free.size();
    }

    /** Entries per sequence. */
    public int capacity() {
        return capacity;
    }

    /** Memory the pool holds. */
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

    /** Every slot of the pool is taken. */
    public static final class KvPoolExhaustedException extends IllegalStateException {
        public KvPoolExhaustedException(String message) {
            super(message);
        }
    }
}
