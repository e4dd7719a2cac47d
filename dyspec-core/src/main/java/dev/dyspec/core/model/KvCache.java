package dev.dyspec.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;

/**
 * Keys and values of one sequence: a slot of a {@link KvPool}. The committed prefix is the accepted
 * sequence; the scratch region after it holds entries of the step in progress (draft expansions or
 * a token tree) until {@link #keep} commits the accepted ones.
 */
public final class KvCache implements AutoCloseable {

    private final KvPool pool;
    private final int slot;
    private final boolean ownsPool;
    private int committed;
    private int scratch;
    private boolean closed;

    KvCache(KvPool pool, int slot, boolean ownsPool) {
        this.pool = pool;
        this.slot = slot;
        this.ownsPool = ownsPool;
    }

    public int capacity() {
        return pool.capacity();
    }

    public int committed() {
        return committed;
    }

    public int scratch() {
        return scratch;
    }

    KvPool pool() {
        return pool;
    }

    int length() {
        return committed + scratch;
    }

    /** Pool row of this sequence's entry at {@code position}. */
    long row(int position) {
        return (long) slot * pool.capacity() + position;
    }

    void ensureRoom(int newTokens) {
        if (closed) {
            throw new IllegalStateException("KV cache used after close");
        }
        if (length() + newTokens > capacity()) {
            throw new IllegalStateException("KV cache full: " + length() + " + " + newTokens + " entries exceed capacity "
                    + capacity());
        }
    }

    /** Writes n new entries after the current length; k and v are (n, kv_heads, head_size). */
    void write(int layer, NDArray k, NDArray v) {
        long start = row(length());
        NDIndex at = new NDIndex().addSliceDim(start, start + k.getShape().get(0));
        pool.keys[layer].set(at, k);
        pool.values[layer].set(at, v);
    }

    /** (length, kv_heads, head_size); the pool's pending moves are flushed by the forward that reads it */
    NDArray keys(int layer, int length) {
        return pool.keys[layer].get(new NDIndex().addSliceDim(row(0), row(length)));
    }

    NDArray values(int layer, int length) {
        return pool.values[layer].get(new NDIndex().addSliceDim(row(0), row(length)));
    }

    void advance(int n) {
        scratch += n;
    }

    /**
     * Commits the given scratch entries, in order, after the committed prefix and drops the rest of the
     * scratch region.
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
            long[] to = new long[scratchSlots.length];
            for (int i = 0; i < from.length; i++) {
                from[i] = row(committed + scratchSlots[i]);
                to[i] = row(committed + i);
            }
            // deferred: the pool moves the rows of every sequence that kept a path in one copy per layer,
            // before anything reads it next
            pool.move(from, to);
        }
        committed += scratchSlots.length;
        scratch = 0;
    }

    public void discardScratch() {
        scratch = 0;
    }

    public void commitScratch() {
        committed += scratch;
        scratch = 0;
    }

    /** Returns the slot to its pool (a cache of its own frees its memory). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (ownsPool) {
            pool.close();
        } else {
            pool.flushMoves(); // a pending move must not land in the rows of the slot's next owner
            pool.release(slot);
        }
    }
}
