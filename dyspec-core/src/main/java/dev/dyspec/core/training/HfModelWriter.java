package dev.dyspec.core.training;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.dyspec.core.checkpoint.Checkpoint;
import dev.dyspec.core.checkpoint.ModelConfig;
import dev.dyspec.core.checkpoint.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Writes a standard Hugging Face Llama directory: config.json, model.safetensors and the tokenizer files. */
public final class HfModelWriter {

    private HfModelWriter() {
    }

    public static void write(Path dir, Checkpoint checkpoint, Path tokenizerDir, SafetensorsWriter.Dtype dtype)
            throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.json"), configJson(checkpoint.config(), dtype));
        Path tmp = dir.resolve("model.safetensors.tmp");
        SafetensorsWriter.write(tmp, checkpoint.weights().values(), dtype);
        Files.move(tmp, dir.resolve("model.safetensors"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        if (tokenizerDir != null && !tokenizerDir.toAbsolutePath().equals(dir.toAbsolutePath())) {
            for (String f : new String[] {"tokenizer.json", "tokenizer_config.json"}) {
                if (Files.isRegularFile(tokenizerDir.resolve(f))) {
                    Files.copy(tokenizerDir.resolve(f), dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    public static String configJson(ModelConfig c, SafetensorsWriter.Dtype dtype) {
        JsonObject o = new JsonObject();
        JsonArray arch = new JsonArray();
        arch.add("LlamaForCausalLM");
        o.add("architectures", arch);
        o.addProperty("model_type", "llama");
        o.addProperty("hidden_size", c.hiddenSize());
        o.addProperty("intermediate_size", c.intermediateSize());
        o.addProperty("num_hidden_layers", c.numLayers());
        o.addProperty("num_attention_heads", c.numHeads());
        o.addProperty("num_key_value_heads", c.numKvHeads());
        o.addProperty("vocab_size", c.vocabSize());
        o.addProperty("max_position_embeddings", c.maxPositions());
        o.addProperty("rms_norm_eps", c.rmsNormEps());
        o.addProperty("rope_theta", c.ropeTheta());
        o.addProperty("tie_word_embeddings", c.tiedEmbeddings());
        o.addProperty("hidden_act", "silu");
        o.addProperty("bos_token_id", c.bosTokenId());
        o.addProperty("eos_token_id", c.eosTokenId());
        o.addProperty("torch_dtype", switch (dtype) {
            case F32 -> "float32";
            case F16 -> "float16";
            case BF16 -> "bfloat16";
        });
        return new GsonBuilder().setPrettyPrinting().create().toJson(o);
    }
}
