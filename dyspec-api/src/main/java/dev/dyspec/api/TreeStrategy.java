package dev.dyspec.api;

import java.util.random.RandomGenerator;

/**
 * Grows one token tree per speculative step. Implementations must fix every node's value before the
 * token it governs is sampled; deciding to keep a token after seeing it biases the output.
 */
public interface TreeStrategy {

    /** The name requests select it by, e.g. {@code dyspec}. */
    String name();

    /**
     * Checks the options before any generation starts.
     *
     * @throws IllegalArgumentException with a message naming the bad option
     */
    void validate(StrategyOptions options, int maxBudget);

    /** Whether this strategy uses the draft model at all. */
    default boolean usesDraft() {
        return true;
    }

    /**
     * The temperature of the draft distributions this strategy's trees are grown from (and, when sampling,
     * drawn from: the verifier checks each child against the distribution it was drawn with, so any
     * temperature stays lossless). NaN: the request's own, which at temperature 0 means the plain softmax.
     */
    default double draftTemperature(StrategyOptions options) {
        return options.draftTemperature();
    }

    /**
     * Grows the tree below {@code rootToken} (the last emitted token, not yet in either cache).
     */
    TokenTree grow(DraftHandle draft, int rootToken, StrategyOptions options, SamplingParams params,
                   RandomGenerator random);
}
