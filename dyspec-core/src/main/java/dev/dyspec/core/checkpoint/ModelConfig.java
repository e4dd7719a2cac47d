package dev.dyspec.core.checkpoint;

/**
 * The shape of a Llama-architecture model, as read from {@code config.json} or a llama2.c header, with
 * the features its family adds to the Llama layer.
 *
 * @param maxPositions the context limit the engine enforces (for a sliding-window model, at most the window)
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
        int eosTokenId,
        Architecture architecture) {

    /** A plain Llama model. */
    public ModelConfig(int hiddenSize, int intermediateSize, int numLayers, int numHeads, int numKvHeads, int vocabSize,
                       double rmsNormEps, double ropeTheta, int maxPositions, boolean tiedEmbeddings, int bosTokenId,
                       int eosTokenId) {
        this(hiddenSize, intermediateSize, numLayers, numHeads, numKvHeads, vocabSize, rmsNormEps, ropeTheta, maxPositions,
                tiedEmbeddings, bosTokenId, eosTokenId, Architecture.LLAMA);
    }

    public ModelConfig {
        requirePositive("hidden_size", hiddenSize);
        requirePositive("intermediate_size", intermediateSize);
        requirePositive("num_hidden_layers", numLayers);
        requirePositive("num_attention_heads", numHeads);
        requirePositive("num_key_value_heads", numKvHeads);
        requirePositive("vocab_size", vocabSize);
        requirePositive("max_position_embeddings", maxPositions);
        if (architecture == null) {
            throw new IllegalArgumentException("no architecture");
        }
        if (architecture.headDim() == 0 && hiddenSize % numHeads != 0) {
            throw new IllegalArgumentException("hidden_size " + hiddenSize + " is not divisible by num_attention_heads " + numHeads);
        }
        if (numHeads % numKvHeads != 0) {
            throw new IllegalArgumentException("num_attention_heads " + numHeads + " is not divisible by num_key_value_heads " + numKvHeads);
        }
        int headSize = architecture.headDim() > 0 ? architecture.headDim() : hiddenSize / numHeads;
        if (headSize % 2 != 0) {
            throw new IllegalArgumentException("head size " + headSize + " must be even for RoPE");
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
        return architecture.headDim() > 0 ? architecture.headDim() : hiddenSize / numHeads;
    }

    /** Width of all query heads together. */
    public int qDim() {
        return numHeads * headSize();
    }

    /** The same model with another context limit. */
    public ModelConfig withMaxPositions(int positions) {
        return new ModelConfig(hiddenSize, intermediateSize, numLayers, numHeads, numKvHeads, vocabSize, rmsNormEps,
                ropeTheta, positions, tiedEmbeddings, bosTokenId, eosTokenId, architecture);
    }

    public int kvDim() {
        return numKvHeads * headSize();
    }

    /** Parameter count, embeddings included once when tied. */
    public long parameterCount() {
        Architecture a = architecture;
        long perLayer = 2L * hiddenSize                         // two norms
                + (long) hiddenSize * (qDim() + 2L * kvDim())      // q, k, v
                + (long) qDim() * hiddenSize                       // o
                + 3L * hiddenSize * intermediateSize               // gate, up, down
                + (a.qkvBias() ? qDim() + 2L * kvDim() : 0)
                + (a.outputBias() ? hiddenSize : 0)
                + (a.mlpBias() ? 2L * intermediateSize + hiddenSize : 0)
                + (a.qkNorm() ? 2L * headSize() : 0);
        long embeddings = (long) vocabSize * hiddenSize * (tiedEmbeddings ? 1 : 2);
        return numLayers * perLayer + embeddings + hiddenSize;
    }
}
