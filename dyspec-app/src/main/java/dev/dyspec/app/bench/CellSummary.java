package dev.dyspec.app.bench;

import java.util.List;

/**
 * The figures of one bench cell.
 *
 * @param acceptanceByDepth accepted / drafted tokens at each tree depth (1-based in order)
 * @param calibration per bin of the tree's own estimate: mean estimate, mean realised accepted length, steps
 */
public record CellSummary(
        String strategy,
        int budget,
        double temperature,
        double tau,
        double tauLow,
        double tauHigh,
        double tokensPerSecond,
        double tokensPerSecondLow,
        double tokensPerSecondHigh,
        double speedup,
        double speedupLow,
        double speedupHigh,
        double draftForwardsPerToken,
        double targetForwardsPerToken,
        double otherShare,
        double meanTreeSize,
        double[] acceptanceByDepth,
        List<double[]> calibration,
        long generations,
        long tokens) {
}
