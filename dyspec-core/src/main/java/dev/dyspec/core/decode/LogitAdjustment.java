package dev.dyspec.core.decode;

import java.util.Map;

/**
 * OpenAI's logit_bias, presence_penalty and frequency_penalty: additive changes to the logits before
 * temperature and top-p. Both the draft and the target are shaped by them, so speculation stays
 * lossless with respect to the adjusted target distribution. Penalties count the tokens generated so
 * far (not the prompt), plus the tokens on the tree path above the scored node.
 *
 * @param bias token id → value added to its logit, each in [-100, 100]
 * @param presencePenalty subtracted once from every token that occurred, in [-2, 2]
 * @param frequencyPenalty subtracted per occurrence, in [-2, 2]
 */
public record LogitAdjustment(Map<Integer, Float> bias, double presencePenalty, double frequencyPenalty) {

    public static final LogitAdjustment NONE = new LogitAdjustment(Map.of(), 0, 0);

    public LogitAdjustment {
        bias = bias == null ? Map.of() : Map.copyOf(bias);
        for (Map.Entry<Integer, Float> e : bias.entrySet()) {
            if (e.getKey() < 0) {
                throw new IllegalArgumentException("logit_bias token id " + e.getKey() + " is negative");
            }
            if (!(e.getValue() >= -100 && e.getValue() <= 100)) {
                throw new IllegalArgumentException("logit_bias values must be in [-100, 100], got " + e.getValue()
                        + " for token " + e.getKey());
            }
        }
        if (!(presencePenalty >= -2 && presencePenalty <= 2)) {
            throw new IllegalArgumentException("presence_penalty must be in [-2, 2], got " + presencePenalty);
        }
        if (!(frequencyPenalty >= -2 && frequencyPenalty <= 2)) {
            throw new IllegalArgumentException("frequency_penalty must be in [-2, 2], got " + frequencyPenalty);
        }
    }

    public boolean isNone() {
        return bias.isEmpty() && presencePenalty == 0 && frequencyPenalty == 0;
    }

    boolean penalises() {
        return presencePenalty != 0 || frequencyPenalty != 0;
    }
}
