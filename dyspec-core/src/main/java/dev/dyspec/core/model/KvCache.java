package dev.dyspec.core.model;

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

    int slot() {
        return slot;
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
