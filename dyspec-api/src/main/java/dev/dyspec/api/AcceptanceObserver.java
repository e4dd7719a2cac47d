package dev.dyspec.api;

/** Receives every drafted child the verifier examined: one observation of acceptance. */
@FunctionalInterface
public interface AcceptanceObserver {

    /**
     * @param drawProbability the residual draft probability the child was drawn with
     * @param depth the child's depth in the tree (1 for the root's children)
     */
    void observe(double drawProbability, int depth, boolean accepted, SamplingParams params);

    /** One verified token that was proposed from the context, not drawn from the draft. */
    default void observeContext(ContextEvidence evidence, boolean accepted, SamplingParams params) {
    }
}
