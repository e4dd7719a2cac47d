package dev.dyspec.core.checkpoint;

import java.nio.file.Path;
import java.util.Map;

/**
 * A loaded checkpoint: its shape and its weights under Hugging Face Llama names
 * ({@code model.layers.0.self_attn.q_proj.weight}, ...), with q/k rows in rotate-half layout.
 */
public record Checkpoint(Path source, ModelConfig config, Map<String, WeightTensor> weights) {
}
