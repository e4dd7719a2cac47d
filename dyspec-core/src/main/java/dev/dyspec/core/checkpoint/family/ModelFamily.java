package dev.dyspec.core.checkpoint.family;

import dev.dyspec.core.checkpoint.ConfigFile;
import dev.dyspec.core.checkpoint.ModelConfig;

/** A family of Hugging Face causal LMs: the {@code architectures} entry it loads and how its config maps to ours. */
public interface ModelFamily {

    /** The {@code architectures} entry of its {@code config.json}, e.g. {@code Qwen2ForCausalLM}. */
    String architecture();

    /** A short name for messages and {@code info}. */
    String name();

    /** The model's shape and features; refuses (naming file and field) what the engine does not implement. */
    ModelConfig config(ConfigFile config);
}
