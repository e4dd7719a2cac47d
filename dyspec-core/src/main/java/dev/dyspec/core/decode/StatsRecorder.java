package dev.dyspec.core.decode;

import dev.dyspec.api.GenerationStats;
import dev.dyspec.api.TokenTree;
import java.util.Arrays;

/** Accumulates one generation's statistics step by step. */
final class StatsRecorder {

    private long targetForwards;
    private long draftedTokens;
    private long acceptedTokens;
    private long emittedTokens;
    private long[] acceptedByDepth = new long[0];
    private long[] draftedByDepth = new long[0];
    private long targetNanos;
    private long stepNanos;
    private long prefillNanos;

    void prefill(long nanos) {
        prefillNanos += nanos;
    }

    void step(TokenTree tree, Verification v, int emitted, long targetNanos, long stepNanos) {
        targetForwards++;
        draftedTokens += tree.draftedNodes();
        acceptedTokens += v.acceptedCount();
        emittedTokens += emitted;
        this.targetNanos += targetNanos;
        this.stepNanos += stepNanos;
        int depth = tree.maxDepth();
        if (depth > draftedByDepth.length) {
            draftedByDepth = Arrays.copyOf(draftedByDepth, depth);
            acceptedByDepth = Arrays.copyOf(acceptedByDepth, depth);
        }
        for (int n = 1; n < tree.size(); n++) {
            draftedByDepth[tree.depth(n) - 1]++;
        }
        for (int i = 1; i < v.acceptedPath().length; i++) {
            acceptedByDepth[i - 1]++;
        }
    }

    GenerationStats snapshot(long draftForwards, long draftNanos) {
        long other = Math.max(0, stepNanos - targetNanos - draftNanos);
        return new GenerationStats(targetForwards, draftForwards, draftedTokens, acceptedTokens, emittedTokens,
                acceptedByDepth.clone(), draftedByDepth.clone(), draftNanos, targetNanos, other, prefillNanos);
    }
}
