package dev.dyspec.api;

/**
 * The estimated probability that a drafted child is accepted, given the probability r it was drawn
 * with (the residual draft probability at draw time). DySpec's Hypothesis 1 is the identity.
 */
@FunctionalInterface
public interface AcceptanceEstimator {

    /** The paper's assumption: a token drawn with probability r is accepted with probability r. */
    AcceptanceEstimator IDENTITY = (r, depth, params) -> r;

    double acceptance(double r, int depth, SamplingParams params);

    /**
     * The estimated probability that a token proposed from the context (a point mass) is accepted. The
     * uninformed estimate is the share of earlier occurrences that continued with it.
     */
    default double contextAcceptance(ContextEvidence evidence, SamplingParams params) {
        return evidence.share();
    }

    /**
     * The largest r up to which {@link #acceptance} returns one value for every r (0 when there is none):
     * lets an expectation over a whole vocabulary sum the many tokens below it as one mass instead of one
     * query each.
     */
    default double constantBelow(int depth, SamplingParams params) {
        return 0;
    }

    /**
     * A fixed view for growing one tree: queried once per vocabulary token per heap peek, so it must not
     * lock or copy per call. An estimator that learns returns a frozen copy of what it knows now.
     */
    default AcceptanceEstimator snapshot() {
        return this;
    }
}
