package dev.dyspec.core.checkpoint;

/**
 * The shape of a Llama-architecture model, as read from {@code config.json} or a llama2.c header.
 *
 * @param ropeInterleaved whether the checkpoint's q/k rows use llama2.c's interleaved RoPE pairs;
 *     loaders permute such rows to the rotate-half layout, so the forward sees rotate-half only
 */
public record ModelConfig(
        int hiddenSize,
        int intermediateSize,
        int numLayers,
        int numHeads,
        int numKvHeads,
        int vocabSize,
        double rmsNormEps,
        double ropeTheta,
        int maxPositions,
        boolean tiedEmbeddings,
        int bosTokenId,
        int eosTokenId) {

    public ModelConfig {
        requirePositive("hidden_size", hiddenSize);
        requirePositive("intermediate_size", intermediateSize);
        requirePositive("num_hidden_layers", numLayers);
        requirePositive("num_attention_heads", numHeads);
        requirePositive("num_key_value_heads", numKvHeads);
        requirePositive("vocab_size", vocabSize);
        requirePositive("max_position_embeddings", maxPositions);
        if (hiddenSize % numHeads != 0) {
            throw new IllegalArgumentException("hidden_size " + hiddenSize + " is not divisible by num_attention_heads " + numHeads);
        }
        if (numHeads % numKvHeads != 0) {
            throw new IllegalArgumentException("num_attention_heads " + numHeads + " is not divisible by num_key_value_heads " + numKvHeads);
        }
        if ((hiddenSize / numHeads) % 2 != 0) {
            throw new IllegalArgumentException("head size " + hiddenSize / numHeads + " must be even for RoPE");
        }
        if (!(rmsNormEps > 0)) {
            throw new IllegalArgumentException("rms_norm_eps must be positive, got " + rmsNormEps);
        }
        if (!(ropeTheta > 0)) {
            throw new IllegalArgumentException("rope_theta must be positive, got " + ropeTheta);
        }
    }

    private static void requirePositive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }

    public int headSize() {
        return hiddenSize / numHeads;
    }

    public int kvDim() {
        return numKvHeads * headSize();
    }

    /** Parameter count, embeddings included once when tied. */
    public long parameterCount() {
        long perLayer = 2L * hiddenSize                         // two norms
                + (long) hiddenSize * (hiddenSize + 2L * kvDim())  // q, k, v
                + (long) hiddenSize * hiddenSize                   // o
                + 3L * hiddenSize * intermediateSize;              // gate, up, down
        long embeddings = (long) vocabSize * hiddenSize * (tiedEmbeddings ? 1 : 2);
        return numLayers * perLayer + embeddings + hiddenSize;
    }
}
