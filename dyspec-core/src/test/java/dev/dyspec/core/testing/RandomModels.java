package dev.dyspec.core.testing;

import dev.dyspec.core.checkpoint.Architecture;
import dev.dyspec.core.checkpoint.Checkpoint;
import dev.dyspec.core.checkpoint.LlamaTensorNames;
import dev.dyspec.core.checkpoint.ModelConfig;
import dev.dyspec.core.checkpoint.RopeScaling;
import dev.dyspec.core.checkpoint.SafetensorsWriter;
import dev.dyspec.core.checkpoint.WeightTensor;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/** Random small Llama models, in memory and written to disk in both checkpoint formats. */
public final class RandomModels {

    private RandomModels() {
    }

    public static ModelConfig config(int dim, int hidden, int layers, int heads, int kvHeads, int vocab, int maxPos,
                                     boolean tied) {
        return new ModelConfig(dim, hidden, layers, heads, kvHeads, vocab, 1e-5, 10000.0, maxPos, tied, 1, 2);
    }

    /** Random weights under Hugging Face names; norms near 1, matrices scaled by 1/sqrt(fan-in). */
    public static Map<String, WeightTensor> weights(ModelConfig c, long seed) {
        Random r = new Random(seed);
        Map<String, WeightTensor> w = new LinkedHashMap<>();
        for (Map.Entry<String, int[]> e : LlamaTensorNames.expectedShapes(c).entrySet()) {
            int[] shape = e.getValue();
            int n = 1;
            for (int s : shape) {
                n *= s;
            }
            float[] data = new float[n];
            boolean bias = e.getKey().endsWith(".bias");
            boolean norm = shape.length == 1 && !bias;
            double scale = norm ? 0.1 : bias ? 0.5 : (e.getKey().equals(LlamaTensorNames.EMBED) ? 1.0 : 1.5 / Math.sqrt(shape[1]));
            for (int i = 0; i < n; i++) {
                data[i] = (float) (norm ? 1 + scale * r.nextGaussian() : scale * r.nextGaussian());
            }
            w.put(e.getKey(), new WeightTensor(e.getKey(), shape, data));
        }
        return w;
    }

    public static Checkpoint checkpoint(ModelConfig c, long seed) {
        return new Checkpoint(Path.of("random-" + seed), c, weights(c, seed));
    }

    /** Writes a Hugging Face directory (config.json + model.safetensors). */
    public static void writeHf(Path dir, ModelConfig c, Map<String, WeightTensor> w, SafetensorsWriter.Dtype dtype)
            throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.json"), configJson(c));
        SafetensorsWriter.write(dir.resolve("model.safetensors"), w.values(), dtype);
    }

    /** A config.json as the model's family writes it (architecture name and the family's own fields). */
    public static String configJson(ModelConfig c) {
        Architecture a = c.architecture();
        String architecture = switch (a.family()) {
            case "mistral" -> "MistralForCausalLM";
            case "qwen2" -> "Qwen2ForCausalLM";
            case "qwen3" -> "Qwen3ForCausalLM";
            default -> "LlamaForCausalLM";
        };
        StringBuilder extra = new StringBuilder();
        if (a.headDim() > 0) {
            extra.append(", \"head_dim\": ").append(a.headDim());
        }
        if (a.family().equals("llama") || a.family().equals("qwen3")) {
            extra.append(", \"attention_bias\": ").append(a.qkvBias());
        }
        if (a.family().equals("llama")) {
            extra.append(", \"mlp_bias\": ").append(a.mlpBias());
        }
        if (a.slidingWindow() > 0) {
            extra.append(", \"sliding_window\": ").append(a.slidingWindow());
        }
        RopeScaling r = a.rope();
        if (r.type().equals("linear")) {
            extra.append(", \"rope_scaling\": {\"type\": \"linear\", \"factor\": ").append(r.factor()).append('}');
        } else if (r.type().equals("llama3")) {
            extra.append(", \"rope_scaling\": {\"rope_type\": \"llama3\", \"factor\": ").append(r.factor())
                    .append(", \"low_freq_factor\": ").append(r.lowFreqFactor())
                    .append(", \"high_freq_factor\": ").append(r.highFreqFactor())
                    .append(", \"original_max_position_embeddings\": ").append(r.originalMaxPositions()).append('}');
        }
        return """
                {"architectures": ["%s"], "model_type": "%s", "hidden_size": %d,
                 "intermediate_size": %d, "num_hidden_layers": %d, "num_attention_heads": %d,
                 "num_key_value_heads": %d, "vocab_size": %d, "rms_norm_eps": %s, "rope_theta": %s,
                 "max_position_embeddings": %d, "tie_word_embeddings": %s, "hidden_act": "silu",
                 "bos_token_id": %d, "eos_token_id": %d%s}
                """.formatted(architecture, a.family(), c.hiddenSize(), c.intermediateSize(), c.numLayers(), c.numHeads(),
                c.numKvHeads(), c.vocabSize(), c.rmsNormEps(), c.ropeTheta(), c.maxPositions(), c.tiedEmbeddings(),
                c.bosTokenId(), c.eosTokenId(), extra);
    }

    /**
     * Writes a llama2.c v0 checkpoint holding these weights as they are (q/k rows taken to be in
     * llama2.c's interleaved layout).
     */
    public static void writeLlama2c(Path file, ModelConfig c, Map<String, WeightTensor> w) throws IOException {
        try (OutputStream raw = new java.io.BufferedOutputStream(Files.newOutputStream(file));
             DataOutputStream out = new DataOutputStream(raw)) {
            int[] header = {c.hiddenSize(), c.intermediateSize(), c.numLayers(), c.numHeads(), c.numKvHeads(),
                    c.tiedEmbeddings() ? c.vocabSize() : -c.vocabSize(), c.maxPositions()};
            for (int h : header) {
                writeInt(out, h);
            }
            writeFloats(out, w.get(LlamaTensorNames.EMBED).data());
            for (String suffix : new String[] {LlamaTensorNames.ATTN_NORM, LlamaTensorNames.Q, LlamaTensorNames.K,
                    LlamaTensorNames.V, LlamaTensorNames.O, LlamaTensorNames.FFN_NORM, LlamaTensorNames.GATE,
                    LlamaTensorNames.DOWN, LlamaTensorNames.UP}) {
                for (int l = 0; l < c.numLayers(); l++) {
                    writeFloats(out, w.get(LlamaTensorNames.layer(l, suffix)).data());
                }
            }
            writeFloats(out, w.get(LlamaTensorNames.FINAL_NORM).data());
            writeFloats(out, new float[c.maxPositions() * c.headSize()]); // freq_cis, unused by loaders
            if (!c.tiedEmbeddings()) {
                writeFloats(out, w.get(LlamaTensorNames.LM_HEAD).data());
            }
        }
    }

    private static void writeInt(DataOutputStream out, int v) throws IOException {
        out.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array());
    }

    private static void writeFloats(DataOutputStream out, float[] v) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        out.write(b.array());
    }
}
