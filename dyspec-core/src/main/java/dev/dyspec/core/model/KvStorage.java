package dev.dyspec.core.model;

/**
 * Where a {@link KvPool}'s keys and values live, in the form its {@link ForwardKernel} reads: rows are
 * (slot, position) pairs, row = slot * capacity + position, each row kv_heads × head_size keys and as
 * many values per layer.
 */
interface KvStorage extends AutoCloseable {

    /**
     * Copies rows {@code from[i]} to {@code to[i]} in every layer, all sources read before any destination
     * is written; it may be deferred until {@link #flushMoves}.
     */
    void move(long[] from, long[] to);

    /** Carries out deferred moves; a forward calls it before it reads the storage. */
    void flushMoves();

    /** Memory held. */
    long bytes();

    @Override
    void close();
}
