package dev.dyspec.core.decode;

import dev.dyspec.core.model.CausalLm;

/**
 * Runs one draft expansion's rows through the draft model. Alone, a generation runs them directly;
 * in the engine, the expansions of every growing generation meet and run as one batched forward.
 */
@FunctionalInterface
public interface DraftForwarder {

    /** @return (rows, vocab) logits of the expansion's rows */
    float[][] forward(CausalLm.Rows rows);

    /** The rows alone, in their own forward. */
    static DraftForwarder direct(CausalLm lm) {
        return rows -> lm.forward(java.util.List.of(rows), true).get(0);
    }
}
