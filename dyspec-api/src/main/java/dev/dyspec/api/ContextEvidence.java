package dev.dyspec.api;

/**
 * Why a token proposed from the request's own context (not drawn from the draft) was proposed: what
 * its acceptance is learned and estimated by.
 *
 * @param matchLength tokens of the current path's suffix that matched the earlier occurrence (≥ 1)
 * @param share of the earlier occurrences that reached this point, the fraction followed by this token, in (0, 1]
 */
public record ContextEvidence(int matchLength, double share) {

    public ContextEvidence {
        if (matchLength < 1) {
            throw new IllegalArgumentException("match length must be at least 1, got " + matchLength);
        }
        if (!(share > 0 && share <= 1)) {
            throw new IllegalArgumentException("share must be in (0, 1], got " + share);
        }
    }
}
