package dev.dyspec.core.checkpoint.family;

import dev.dyspec.core.checkpoint.Architecture;
import dev.dyspec.core.checkpoint.ConfigFile;

/**
 * {@code MistralForCausalLM}: Llama math with an optional attention window. Our context limit is capped
 * at the window, so every query sees at most {@code sliding_window} keys and full attention over the
 * context is exactly Mistral's windowed attention; longer prompts are refused at admission.
 */
public class MistralFamily extends LlamaFamily {

    @Override
    public String architecture() {
        return "MistralForCausalLM";
    }

    @Override
    public String name() {
        return "mistral";
    }

    @Override
    protected int contextLimit(ConfigFile c) {
        int window = c.integer("sliding_window", 0);
        int positions = super.contextLimit(c);
        return window > 0 ? Math.min(positions, window) : positions;
    }

    @Override
    protected Architecture architectureOf(ConfigFile c) {
        Architecture a = super.architectureOf(c);
        return new Architecture(a.family(), a.headDim(), a.rope(), a.qkvBias(), a.outputBias(), a.mlpBias(), false,
                c.integer("sliding_window", 0));
    }
}
