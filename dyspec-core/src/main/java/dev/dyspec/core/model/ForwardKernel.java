package dev.dyspec.core.model;

import java.util.List;

/**
 * The arithmetic of {@link CausalLm}'s forward, over weights prepared once ({@link PreparedWeights}).
 * {@link CausalLm} checks the inputs and keeps the caches' bookkeeping; a kernel scores rows and stores
 * their keys and values in storage it made itself.
 */
interface ForwardKernel extends AutoCloseable {

    /** Storage for {@code slots} sequences of {@code capacity} entries each, allocated now. */
    KvStorage newStorage(int slots, int capacity);

    /**
     * Runs all rows of the batch through the model, writing each new token's keys and values after its
     * cache's current length.
     *
     * @param offset per sequence, its first row among all {@code total} rows
     * @param headRows the rows whose logits are wanted, ascending
     * @return (headRows.length, scored_vocab) logits, row-major; null when headRows is empty
     */
    float[] run(List<CausalLm.Rows> batch, int[] offset, int total, int[] headRows);

    @Override
    void close();
}
