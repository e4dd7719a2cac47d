package dev.dyspec.api;

/**
 * How the children of an expanded tree node were drawn from the draft distribution at that node.
 * The verifier needs this to stay lossless: sampled children are checked against the residual draft
 * distribution, chosen children count as point masses.
 */
public enum DrawMode {
    /** Each child was sampled from the draft distribution with the earlier siblings removed. */
    SAMPLED_WITHOUT_REPLACEMENT,
    /** Children were picked deterministically (e.g. top-k); each counts as a point mass. */
    CHOSEN
}
