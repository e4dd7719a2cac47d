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

    /**
     * Keeps only the first {@code length} committed entries (a cached sequence handed to a prompt that
     * shares just that much of it).
     */
    public void truncate(int length) {
        if (length < 0 || length > committed) {
            throw new IllegalArgumentException("cannot keep " + length + " of " + committed + " committed entries");
        }
        committed = length;
        scratch = 0;
    }

    /**
     * Makes this cache's committed prefix the first {@code length} committed entries of {@code source}, a
     * cache of the same pool: a copy of rows, no forward.
     */
    public void copyPrefix(KvCache source, int length) {
        if (source.pool != pool) {
            throw new IllegalArgumentException("a prefix is copied only between caches of one pool");
        }
        if (length < 0 || length > source.committed || length > capacity()) {
            throw new IllegalArgumentException("cannot copy " + length + " of " + source.committed + " committed entries");
        }
        ensureRoom(0);
        long[] from = new long[length];
        long[] to = new long[length];
        for (int i = 0; i < length; i++) {
            from[i] = source.row(i);
            to[i] = row(i);
        }
        // the source's last kept path may still wait to be moved into place, and one flush reads every source
        // before it writes: settle it first. The copy itself is deferred like a keep (the next forward, or
        // closing either cache, carries it out)
        pool.flushMoves();
        pool.move(from, to);
        committed = length;
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
