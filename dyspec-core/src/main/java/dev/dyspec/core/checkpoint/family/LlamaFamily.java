package dev.dyspec.core.checkpoint.family;

import com.google.gson.JsonObject;
import dev.dyspec.core.checkpoint.Architecture;
import dev.dyspec.core.checkpoint.CheckpointException;
import dev.dyspec.core.checkpoint.ConfigFile;
import dev.dyspec.core.checkpoint.ModelConfig;
import dev.dyspec.core.checkpoint.RopeScaling;

/**
 * {@code LlamaForCausalLM} (Llama 1–3.x): plain or scaled RoPE ({@code linear}, {@code llama3}), an
 * explicit {@code head_dim}, and the optional {@code attention_bias} / {@code mlp_bias}. The other
 * families are this one with a few fields read differently.
 */
public class LlamaFamily implements ModelFamily {

    @Override
    public String architecture() {
        return "LlamaForCausalLM";
    }

    @Override
    public String name() {
        return "llama";
    }

    @Override
    public final ModelConfig config(ConfigFile c) {
        String act = c.string("hidden_act", "silu");
        if (!act.equals("silu")) {
            throw c.refuse("hidden_act", "is '" + act + "'; dyspec implements silu only");
        }
        try {
            int heads = c.integer("num_attention_heads");
            return new ModelConfig(c.integer("hidden_size"), c.integer("intermediate_size"), c.integer("num_hidden_layers"),
                    heads, c.integer("num_key_value_heads", heads), c.integer("vocab_size"), c.number("rms_norm_eps", 1e-6),
                    c.number("rope_theta", defaultRopeTheta()), contextLimit(c), c.bool("tie_word_embeddings", false),
                    c.integer("bos_token_id", 1), c.firstInteger("eos_token_id", 2), architectureOf(c));
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(c.file(), "invalid config: " + e.getMessage());
        }
    }

    protected double defaultRopeTheta() {
        return 10000.0;
    }

    protected int contextLimit(ConfigFile c) {
        return c.integer("max_position_embeddings", 2048);
    }

    /** This family's features; the default reads Llama's fields. */
    protected Architecture architectureOf(ConfigFile c) {
        boolean attentionBias = c.bool("attention_bias", false);
        return new Architecture(name(), c.integer("head_dim", 0), ropeScaling(c), attentionBias, attentionBias,
                c.bool("mlp_bias", false), false, 0);
    }

    /** {@code rope_scaling}: absent or {@code default} → plain; {@code linear}; {@code llama3}; anything else refused. */
    protected RopeScaling ropeScaling(ConfigFile c) {
        JsonObject r = c.object("rope_scaling");
        if (r == null) {
            return RopeScaling.NONE;
        }
        String type = r.has("rope_type") ? r.get("rope_type").getAsString()
                : r.has("type") ? r.get("type").getAsString() : "default";
        try {
            return switch (type) {
                case "default" -> RopeScaling.NONE;
                case "linear" -> RopeScaling.linear(r.get("factor").getAsDouble());
                case "llama3" -> RopeScaling.llama3(r.get("factor").getAsDouble(), r.get("low_freq_factor").getAsDouble(),
                        r.get("high_freq_factor").getAsDouble(), r.get("original_max_position_embeddings").getAsInt());
                default -> throw c.refuse("rope_scaling", "has type '" + type
                        + "'; dyspec implements default, linear and llama3 RoPE");
            };
        } catch (NullPointerException | UnsupportedOperationException | IllegalStateException e) {
            throw c.refuse("rope_scaling", "of type '" + type + "' lacks a field: " + r);
        } catch (IllegalArgumentException e) {
            throw c.refuse("rope_scaling", e.getMessage());
        }
    }

    /** Qwen-style configs: {@code use_sliding_window: true} means per-layer windows we do not implement. */
    protected static void refuseLayerWindows(ConfigFile c) {
        if (c.bool("use_sliding_window", false)) {
            throw c.refuse("use_sliding_window", "is true; per-layer sliding windows (max_window_layers) are not supported");
        }
    }
}
