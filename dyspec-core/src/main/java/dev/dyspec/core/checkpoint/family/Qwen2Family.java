package dev.dyspec.core.checkpoint.family;

import dev.dyspec.core.checkpoint.Architecture;
import dev.dyspec.core.checkpoint.ConfigFile;

/** {@code Qwen2ForCausalLM} (Qwen2, Qwen2.5): Llama with biases on the q, k and v projections. */
public class Qwen2Family extends LlamaFamily {

    @Override
    public String architecture() {
        return "Qwen2ForCausalLM";
    }

    @Override
    public String name() {
        return "qwen2";
    }

    @Override
    protected Architecture architectureOf(ConfigFile c) {
        refuseLayerWindows(c);
        return new Architecture(name(), c.integer("head_dim", 0), ropeScaling(c), true, false, false, false, 0);
    }
}
