package dev.dyspec.api;

/**
 * What the other generations put into the same target forward as this step's tree: an engine that scores
 * many requests' trees together pays for every row, so the marginal cost of one more node is read at the
 * batch's size, and a step's time buys every request's tokens, not this one's alone.
 *
 * @param rows   rows of other generations in the forward (their trees' nodes and roots; the engine leaves out
 *               prompt chunks riding along, which come and go)
 * @param tokens tokens the other generations are expected to emit from it
 */
public record BatchCompany(int rows, double tokens) {

    /** A tree scored on its own. */
    public static final BatchCompany ALONE = new BatchCompany(0, 0);

    public BatchCompany {
        if (rows < 0 || !(tokens >= 0)) {
            throw new IllegalArgumentException("rows and tokens must be non-negative, got " + rows + " and " + tokens);
        }
    }
}
