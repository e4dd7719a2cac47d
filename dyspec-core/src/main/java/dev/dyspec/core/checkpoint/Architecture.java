package dev.dyspec.core.checkpoint;

/**
 * What a model family changes in the Llama layer: the forward reads these features, never a family name.
 *
 * @param family the family that parsed the config (for messages and {@code info})
 * @param headDim columns per attention head; 0 means hidden_size / num_attention_heads
 * @param rope RoPE frequency scaling
 * @param qkvBias biases on the q, k and v projections (Qwen2; Llama's attention_bias)
 * @param outputBias a bias on the attention output projection (Llama's attention_bias)
 * @param mlpBias biases on gate, up and down projections (Llama's mlp_bias)
 * @param qkNorm per-head RMSNorm of q and k before RoPE (Qwen3)
 * @param slidingWindow the attention window in tokens, 0 for none; the context limit never exceeds it,
 *     so full attention over the context is exactly the windowed attention
 */
public record Architecture(String family, int headDim, RopeScaling rope, boolean qkvBias, boolean outputBias,
                           boolean mlpBias, boolean qkNorm, int slidingWindow) {

    /** Plain Llama: the layout llama2.c and the first Llama checkpoints use. */
    public static final Architecture LLAMA = new Architecture("llama", 0, RopeScaling.NONE, false, false, false, false, 0);

    public Architecture {
        if (headDim < 0 || headDim % 2 != 0) {
            throw new IllegalArgumentException("head_dim must be positive and even for RoPE, got " + headDim);
        }
        if (slidingWindow < 0) {
            throw new IllegalArgumentException("sliding_window must be positive, got " + slidingWindow);
        }
    }
}
