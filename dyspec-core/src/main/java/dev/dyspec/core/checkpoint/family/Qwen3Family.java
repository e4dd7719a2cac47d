package dev.dyspec.core.checkpoint.family;

import dev.dyspec.core.checkpoint.Architecture;
import dev.dyspec.core.checkpoint.ConfigFile;

/**
 * {@code Qwen3ForCausalLM}: Llama with a per-head RMSNorm of q and k before RoPE and an explicit
 * {@code head_dim} (128 unless given) that need not be hidden_size / heads; biases only with
 * {@code attention_bias}.
 */
public class Qwen3Family extends LlamaFamily {

    @Override
    public String architecture() {
        return "Qwen3ForCausalLM";
    }

    @Override
    public String name() {
        return "qwen3";
    }

    @Override
    protected Architecture architectureOf(ConfigFile c) {
        refuseLayerWindows(c);
        boolean bias = c.bool("attention_bias", false);
        return new Architecture(name(), c.integer("head_dim", 128), ropeScaling(c), bias, bias, false, true, 0);
    }
}
