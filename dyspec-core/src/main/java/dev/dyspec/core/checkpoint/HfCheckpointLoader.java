package dev.dyspec.core.checkpoint;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Loads a Hugging Face Llama-architecture directory: {@code config.json} plus {@code model.safetensors}
 * or shards listed in {@code model.safetensors.index.json}.
 */
public final class HfCheckpointLoader {

    private static final Set<String> SUPPORTED_ARCHITECTURES = Set.of("LlamaForCausalLM");

    private HfCheckpointLoader() {
    }

    public static Checkpoint load(Path dir) {
        ModelConfig config = readConfig(dir.resolve("config.json"));
        Map<String, SafetensorsFile> byTensor = openShards(dir);
        Map<String, WeightTensor> weights = new LinkedHashMap<>();
        for (Map.Entry<String, int[]> e : LlamaTensorNames.expectedShapes(config).entrySet()) {
            SafetensorsFile f = byTensor.get(e.getKey());
            if (f == null) {
                throw new CheckpointException(dir, "missing tensor '" + e.getKey() + "' (required by config.json)");
            }
            LlamaTensorNames.checkShape(f.file(), e.getKey(), f.entry(e.getKey()).shape(), e.getValue());
            weights.put(e.getKey(), f.read(e.getKey()));
        }
        return new Checkpoint(dir, config, weights);
    }

    private static Map<String, SafetensorsFile> openShards(Path dir) {
        Path single = dir.resolve("model.safetensors");
        Path index = dir.resolve("model.safetensors.index.json");
        Map<String, SafetensorsFile> byTensor = new HashMap<>();
        if (Files.isRegularFile(single)) {
            SafetensorsFile f = SafetensorsFile.open(single);
            f.names().forEach(n -> byTensor.put(n, f));
        } else if (Files.isRegularFile(index)) {
            JsonObject map = readJson(index).getAsJsonObject("weight_map");
            if (map == null) {
                throw new CheckpointException(index, "no 'weight_map' object");
            }
            Map<String, SafetensorsFile> shards = new HashMap<>();
            for (Map.Entry<String, JsonElement> e : map.entrySet()) {
                String shard = e.getValue().getAsString();
                SafetensorsFile f = shards.computeIfAbsent(shard, s -> SafetensorsFile.open(dir.resolve(s)));
                if (!f.names().contains(e.getKey())) {
                    throw new CheckpointException(f.file(), "index lists tensor '" + e.getKey() + "' but the shard lacks it");
                }
                byTensor.put(e.getKey(), f);
            }
        } else {
            throw new CheckpointException(dir, "no model.safetensors or model.safetensors.index.json found");
        }
        return byTensor;
    }

    static JsonObject readJson(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new CheckpointException(file, "file not found");
        }
        try {
            return JsonParser.parseString(Files.readString(file)).getAsJsonObject();
        } catch (IOException e) {
            throw new CheckpointException(file, "cannot read: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new CheckpointException(file, "not a JSON object: " + e.getMessage());
        }
    }

    public static ModelConfig readConfig(Path file) {
        JsonObject j = readJson(file);
        List<String> architectures = j.has("architectures")
                ? j.getAsJsonArray("architectures").asList().stream().map(JsonElement::getAsString).toList()
                : List.of();
        String modelType = j.has("model_type") ? j.get("model_type").getAsString() : "";
        boolean llama = architectures.stream().anyMatch(SUPPORTED_ARCHITECTURES::contains)
                || (architectures.isEmpty() && modelType.equals("llama"));
        if (!llama) {
            throw new CheckpointException(file, "unsupported architecture " + (architectures.isEmpty() ? modelType : architectures)
                    + "; dyspec loads Llama-architecture models (LlamaForCausalLM)");
        }
        if (j.has("hidden_act") && !j.get("hidden_act").getAsString().equals("silu")) {
            throw new CheckpointException(file, "unsupported hidden_act '" + j.get("hidden_act").getAsString() + "' (only silu)");
        }
        if (j.has("rope_scaling") && !j.get("rope_scaling").isJsonNull()) {
            throw new CheckpointException(file, "unsupported rope_scaling " + j.get("rope_scaling") + " (only plain RoPE)");
        }
        if (j.has("attention_bias") && j.get("attention_bias").getAsBoolean()) {
            throw new CheckpointException(file, "unsupported attention_bias=true");
        }
        try {
            int heads = intField(j, "num_attention_heads", null);
            return new ModelConfig(
                    intField(j, "hidden_size", null),
                    intField(j, "intermediate_size", null),
                    intField(j, "num_hidden_layers", null),
                    heads,
                    intField(j, "num_key_value_heads", heads),
                    intField(j, "vocab_size", null),
                    j.has("rms_norm_eps") ? j.get("rms_norm_eps").getAsDouble() : 1e-6,
                    j.has("rope_theta") ? j.get("rope_theta").getAsDouble() : 10000.0,
                    intField(j, "max_position_embeddings", 2048),
                    j.has("tie_word_embeddings") && j.get("tie_word_embeddings").getAsBoolean(),
                    intField(j, "bos_token_id", 1),
                    eosField(j));
        } catch (IllegalArgumentException | IllegalStateException | UnsupportedOperationException e) {
            throw new CheckpointException(file, "invalid config: " + e.getMessage());
        }
    }

    private static int intField(JsonObject j, String name, Integer fallback) {
        if (!j.has(name) || j.get(name).isJsonNull()) {
            if (fallback == null) {
                throw new IllegalArgumentException("missing field '" + name + "'");
            }
            return fallback;
        }
        return j.get(name).getAsInt();
    }

    private static int eosField(JsonObject j) {
        JsonElement e = j.get("eos_token_id");
        if (e == null || e.isJsonNull()) {
            return 2;
        }
        return e.isJsonArray() ? e.getAsJsonArray().get(0).getAsInt() : e.getAsInt();
    }
}
