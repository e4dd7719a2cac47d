package dev.dyspec.core.decode;

import dev.dyspec.api.ContextEvidence;
import java.util.List;

/**
 * The outcome of verifying one token tree.
 *
 * @param acceptedPath depth-first indices of the root and every accepted node, root first
 * @param bonusToken the token the target adds after the accepted path
 * @param examined every drafted child the verifier looked at, in order
 */
public record Verification(int[] acceptedPath, int bonusToken, List<ChildOutcome> examined) {

    /**
     * One drafted child tested against the target: one observation of acceptance.
     *
     * @param draftProbability the residual draft probability it was drawn with; NaN for a context proposal
     * @param evidence why it was proposed from the context; null where it was drawn from the draft
     */
    public record ChildOutcome(int depth, double draftProbability, boolean accepted, ContextEvidence evidence) {

        public ChildOutcome(int depth, double draftProbability, boolean accepted) {
            this(depth, draftProbability, accepted, null);
        }
    }

    /** Drafted tokens accepted. */
    public int acceptedCount() {
        return acceptedPath.length - 1;
    }
}
