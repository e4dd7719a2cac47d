package dev.dyspec.api;

/**
 * What one generation cost and how speculation paid off.
 *
 * @param targetForwards target forwards in decoding steps (one per step; the prompt prefill not counted)
 * @param draftForwards draft forwards, prefill of the draft included where it shared a forward with a step
 * @param draftedTokens tree nodes proposed by the draft (roots not counted)
 * @param acceptedTokens drafted tokens the target accepted
 * @param emittedTokens tokens the generation produced (accepted plus one bonus token per step)
 * @param acceptedByDepth acceptedByDepth[d] = accepted tokens at tree depth d + 1
 * @param draftedByDepth draftedByDepth[d] = drafted tokens at tree depth d + 1
 * @param draftNanos time in draft forwards and tree growth
 * @param targetNanos time in target forwards
 * @param otherNanos everything else in the steps: verification, cache bookkeeping, text decoding
 * @param prefillNanos time spent on the prompt before the first step
 */
public record GenerationStats(
        long targetForwards,
        long draftForwards,
        long draftedTokens,
        long acceptedTokens,
        long emittedTokens,
        long[] acceptedByDepth,
        long[] draftedByDepth,
        long draftNanos,
        long targetNanos,
        long otherNanos,
        long prefillNanos) {

    /** τ: tokens emitted per target forward. */
    public double meanAcceptanceLength() {
        return targetForwards == 0 ? 0 : (double) emittedTokens / targetForwards;
    }

    /** Share of decoding time spent outside model forwards. */
    public double otherShare() {
        long total = draftNanos + targetNanos + otherNanos;
        return total == 0 ? 0 : (double) otherNanos / total;
    }
}
