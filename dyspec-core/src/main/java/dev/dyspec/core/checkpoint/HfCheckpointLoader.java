package dev.dyspec.core.checkpoint;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.dyspec.core.checkpoint.family.ModelFamilies;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Loads a Hugging Face directory of a registered family ({@link ModelFamilies}): {@code config.json}
 * plus {@code model.safetensors} or shards listed in {@code model.safetensors.index.json}.
 */
public final class HfCheckpointLoader {

        private HfCheckpointLoader() {
    }

    public static Checkpoint load(Path dir) {
        return load(dir, elements -> { });
    }

    /**
     * Checks every tensor's presence and shape from the headers now; the weights themselves are read from
     * the files when the engine takes them, one tensor at a time (and checked finite then).
     *
     * @param elementsRead told the element count of each tensor as it is read, for a progress line
     */
    public static Checkpoint load(Path dir, java.util.function.LongConsumer elementsRead) {
        ModelConfig config = readConfig(dir.resolve("config.json"));
        Map<String, SafetensorsFile> byTensor = openShards(dir);
        Map<String, SafetensorsFile> ordered = new LinkedHashMap<>();
        for (Map.Entry<String, int[]> e : LlamaTensorNames.expectedShapes(config).entrySet()) {
            SafetensorsFile f = byTensor.get(e.getKey());
            if (f == null) {
                throw new CheckpointException(dir, "missing tensor '" + e.getKey() + "' (required by config.json)");
            }
            LlamaTensorNames.checkShape(f.file(), e.getKey(), f.entry(e.getKey()).shape(), e.getValue());
            ordered.put(e.getKey(), f);
        }
        return new Checkpoint(dir, config, new LazyWeights(ordered, elementsRead));
    }

    /** Elements of all tensors a checkpoint of this directory holds, from the headers. */
    public static long elements(Path dir) {
        ModelConfig config = readConfig(dir.resolve("config.json"));
        long n = 0;
        for (int[] shape : LlamaTensorNames.expectedShapes(config).values()) {
            long e = 1;
            for (int d : shape) {
                e *= d;
            }
            n += e;
        }
        return n;
    }

    /** What a directory holds, read from its headers only (no weights are loaded). */
    public record Summary(String family, ModelConfig config, java.util.SortedMap<String, Long> parametersByDtype) {
    }

    public static Summary describe(Path dir) {
        ModelConfig config = readConfig(dir.resolve("config.json"));
        java.util.SortedMap<String, Long> byDtype = new java.util.TreeMap<>();
        Map<String, SafetensorsFile> byTensor = openShards(dir);
        for (Map.Entry<String, SafetensorsFile> e : byTensor.entrySet()) {
            SafetensorsFile.Entry entry = e.getValue().entry(e.getKey());
            long n = 1;
            for (int d : entry.shape()) {
                n *= d;
            }
            byDtype.merge(entry.dtype(), n, Long::sum);
        }
        return new Summary(config.architecture().family(), config, byDtype);
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

    /** The config of any registered family; refuses unknown architectures and unsupported fields by name. */
    public static ModelConfig readConfig(Path file) {
        JsonObject j = readJson(file);
        ConfigFile config = new ConfigFile(file, j);
        List<String> architectures;
        try {
            architectures = config.has("architectures")
                    ? j.getAsJsonArray("architectures").asList().stream().map(JsonElement::getAsString).toList() : List.of();
        } catch (RuntimeException e) {
            throw config.refuse("architectures", "must be a list of names");
        }
        return ModelFamilies.of(config, architectures).config(config);
    }
}
