package dev.dyspec.core.model;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Key/value storage for a fixed number of sequences of one model, allocated once; hands out one slot
 * per sequence. The storage itself has the layout its model's forward kernel reads.
 */
public final class KvPool implements AutoCloseable {

    private final KvStorage storage;
    private final int slots;
    private final int capacity;
    private final Deque<Integer> free = new ArrayDeque<>();

    KvPool(ForwardKernel kernel, int slots, int capacity) {
        if (slots < 1 || capacity < 1) {
            throw new IllegalArgumentException("a KV pool needs at least one slot of one entry");
        }
        this.slots = slots;
        this.capacity = capacity;
        this.storage = kernel.newStorage(slots, capacity);
        for (int s = 0; s < slots; s++) {
            free.add(s);
        }
    }

    KvStorage storage() {
        return storage;
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

    /** Copies rows {@code from[i]} to {@code to[i]} in every layer, before the next forward reads the pool. */
    void move(long[] from, long[] to) {
        storage.move(from, to);
    }

    void flushMoves() {
        storage.flushMoves();
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
        return storage.bytes();
    }

    @Override
    public synchronized void close() {
        storage.close();
    }
    /** Every slot of the pool is taken. */
    public static final class KvPoolExhaustedException extends IllegalStateException {
        public KvPoolExhaustedException(String message) {
            super(message);
        }
    }
}
