package dev.dyspec.core.decode;

import java.util.List;

/**
 * The outcome of verifying one token tree.
 *
 * @param acceptedPath depth-first indices of the root and every accepted node, root first
 * @param bonusToken the token the target adds after the accepted path
 * @param examined every drafted child the verifier looked at, in order
 */
public record Verification(int[] acceptedPath, int bonusToken, List<ChildOutcome> examined) {

    /** One drafted child tested against the target: one observation of acceptance. */
    public record ChildOutcome(int depth, double draftProbability, boolean accepted) {
    }

    /** Drafted tokens accepted. */
    public int acceptedCount() {
        return acceptedPath.length - 1;
    }
}
