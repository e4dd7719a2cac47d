package dev.dyspec.api;

/**
 * The draft model as a strategy sees it: no tensors, no cache, only next-token distributions — and the
 * request's own context, for proposals that need no model.
 */
public interface DraftHandle {

    /**
     * Runs one draft forward over the given nodes of the tree being grown (each attends to the
     * context and to its own ancestors) and returns, per node, the draft's next-token distribution
     * after the draft temperature ({@link TreeStrategy#draftTemperature}, by default the request's) and
     * the request's top-p. At request temperature 0 without a draft temperature it is the plain softmax.
     * Every node's ancestors must have been expanded before or come earlier in the same call, the root first.
     */
    float[][] expand(TreeBuilder tree, int[] nodes);

    /** Size of every distribution: the scored vocabulary. */
    int vocabSize();

    /**
     * The request's tokens so far (prompt and output, the root last), indexed by n-grams, for
     * strategies that propose from the context; empty where a handle has no request behind it.
     */
    default ContextNgrams context() {
        return new ContextNgrams(1);
    }

    /** The other generations whose trees share this step's target forward; {@link BatchCompany#ALONE} alone. */
    default BatchCompany company() {
        return BatchCompany.ALONE;
    }
}
