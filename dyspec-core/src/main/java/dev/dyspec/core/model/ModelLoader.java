package dev.dyspec.core.model;

import ai.djl.Device;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.dyspec.core.checkpoint.Checkpoint;
import dev.dyspec.core.checkpoint.CheckpointException;
import dev.dyspec.core.checkpoint.HfCheckpointLoader;
import dev.dyspec.core.checkpoint.Llama2cCheckpointLoader;
import dev.dyspec.core.tokenizer.HfTextTokenizer;
import dev.dyspec.core.tokenizer.Llama2cTokenizer;
import dev.dyspec.core.tokenizer.TextTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Loads a model from a Hugging Face directory or a llama2.c {@code .bin} (with its {@code tok*.bin}
 * beside it), and checks that a draft fits its target.
 */
public final class ModelLoader {

    private final Device device;
    private final int extraPositions;
    private final ForwardBackend backend;

    /**
     * @param extraPositions rotary positions beyond the context limit, for the largest token tree
     */
    public ModelLoader(Device device, int extraPositions) {
        this(device, extraPositions, ForwardBackend.defaultFor(device));
    }

    public ModelLoader(Device device, int extraPositions, ForwardBackend backend) {
        this.device = device;
        this.extraPositions = extraPositions;
        this.backend = backend;
    }

    public LanguageModel load(Path path) {
        return load(path, null);
    }

    /** @param tokenizerOverride a llama2.c tokenizer file to use instead of the one found beside the model */
    public LanguageModel load(Path path, Path tokenizerOverride) {
        if (!Files.exists(path)) {
            throw new CheckpointException(path, "model path not found");
        }
        Checkpoint checkpoint;
        TextTokenizer tokenizer;
        PromptTemplate chat = PromptTemplate.none();
        if (Files.isDirectory(path)) {
            checkpoint = HfCheckpointLoader.load(path,
                    new LoadProgress(path.getFileName().toString(), HfCheckpointLoader.elements(path)));
            tokenizer = HfTextTokenizer.load(path.resolve("tokenizer.json"));
            chat = readChatTemplate(path.resolve("tokenizer_config.json"));
        } else if (path.getFileName().toString().endsWith(".bin")) {
            checkpoint = Llama2cCheckpointLoader.load(path);
            Path tok = tokenizerOverride != null ? tokenizerOverride : findLlama2cTokenizer(path);
            tokenizer = Llama2cTokenizer.load(tok, checkpoint.config().vocabSize());
        } else {
            throw new CheckpointException(path, "unsupported model format: expected a Hugging Face directory or a llama2.c .bin file");
        }
        if (tokenizer.vocabSize() > checkpoint.config().vocabSize()) {
            tokenizer.close();
            throw new CheckpointException(path, "tokenizer has " + tokenizer.vocabSize() + " tokens but the model's vocab_size is "
                    + checkpoint.config().vocabSize());
        }
        CausalLm lm;
        try {
            lm = new CausalLm(checkpoint, device, checkpoint.config().maxPositions() + extraPositions, tokenizer.vocabSize(), backend);
        } catch (RuntimeException | Error e) {
            tokenizer.close();
            throw e;
        }
        lm.warmUp();
        String name = Files.isDirectory(path) ? path.getFileName().toString()
                : path.getFileName().toString().replaceFirst("\\.bin$", "");
        return new LanguageModel(name, path, lm, tokenizer, chat);
    }

    /**
     * Fails unless the draft scores the same tokens as the target: the tokenizers must agree on every
     * real token; the embedding tables may differ in padding rows past them.
     */
    public static void checkPair(LanguageModel target, LanguageModel draft) {
        TextTokenizer t = target.tokenizer();
        TextTokenizer d = draft.tokenizer();
        if (t.vocabSize() != d.vocabSize()) {
            throw new CheckpointException(draft.source(), "draft vocabulary (" + d.vocabSize()
                    + " tokens) differs from the target's (" + t.vocabSize() + " tokens at "
                    + target.source() + "); a draft must share its target's tokenizer");
        }
        if (!sameTokenizerFile(target.source(), draft.source())) {
            int[] one = new int[1];
            for (int id = 0; id < t.vocabSize(); id++) {
                one[0] = id;
                String a = t.decode(one);
                String b = d.decode(one);
                if (!a.equals(b)) {
                    throw new CheckpointException(draft.source(), "draft tokenizer differs from the target's ("
                            + target.source() + ") at token " + id + ": '" + b + "' vs '" + a
                            + "'; a draft must share its target's tokenizer");
                }
            }
        }
        for (String probe : List.of("Once upon a time", "Hello, world! 123")) {
            if (!java.util.Arrays.equals(d.encode(probe), t.encode(probe))) {
                throw new CheckpointException(draft.source(), "draft tokenizer encodes text differently from the target's ("
                        + target.source() + "); a draft must share its target's tokenizer");
            }
        }
    }

    /** Two Hugging Face directories with byte-identical tokenizer.json files need no token-by-token check. */
    private static boolean sameTokenizerFile(Path target, Path draft) {
        Path a = target.resolve("tokenizer.json");
        Path b = draft.resolve("tokenizer.json");
        try {
            return Files.isRegularFile(a) && Files.isRegularFile(b) && Files.mismatch(a, b) == -1;
        } catch (IOException e) {
            return false;
        }
    }

    /** A special token as tokenizer_config.json writes it: a string or {"content": ...}. */
    private static String tokenText(JsonObject j, String field, String fallback) {
        if (!j.has(field) || j.get(field).isJsonNull()) {
            return fallback;
        }
        var e = j.get(field);
        if (e.isJsonPrimitive()) {
            return e.getAsString();
        }
        return e.isJsonObject() && e.getAsJsonObject().has("content") ? e.getAsJsonObject().get("content").getAsString() : fallback;
    }

    private static Path findLlama2cTokenizer(Path bin) {
        Path dir = bin.toAbsolutePath().getParent();
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> candidates = files.filter(p -> {
                String n = p.getFileName().toString();
                return n.startsWith("tok") && n.endsWith(".bin") && !p.equals(bin.toAbsolutePath());
            }).sorted().toList();
            if (candidates.size() == 1) {
                return candidates.get(0);
            }
            throw new CheckpointException(bin, candidates.isEmpty()
                    ? "no llama2.c tokenizer (tok*.bin) beside the checkpoint; pass one explicitly"
                    : "several llama2.c tokenizers beside the checkpoint " + candidates + "; pass one explicitly");
        } catch (IOException e) {
            throw new CheckpointException(bin, "cannot list the checkpoint's directory: " + e.getMessage(), e);
        }
    }

    /**
     * The chat template of a Hugging Face directory: {@code chat_template} in {@code tokenizer_config.json}
     * (a string, or a list of named templates whose {@code default} is taken), or a separate
     * {@code chat_template.jinja}; the start and end tokens from the same config, null where it has none.
     */
    public static PromptTemplate readChatTemplate(Path tokenizerConfig) {
        Path separate = tokenizerConfig.resolveSibling("chat_template.jinja");
        if (!Files.isRegularFile(tokenizerConfig) && !Files.isRegularFile(separate)) {
            return PromptTemplate.none();
        }
        try {
            JsonObject j = Files.isRegularFile(tokenizerConfig)
                    ? JsonParser.parseString(Files.readString(tokenizerConfig)).getAsJsonObject() : new JsonObject();
            String template = null;
            if (j.has("chat_template") && j.get("chat_template").isJsonPrimitive()) {
                template = j.get("chat_template").getAsString();
            } else if (j.has("chat_template") && j.get("chat_template").isJsonArray()) {
                for (var e : j.getAsJsonArray("chat_template")) {
                    JsonObject named = e.getAsJsonObject();
                    if (named.has("name") && named.get("name").getAsString().equals("default")) {
                        template = named.get("template").getAsString();
                    }
                }
            }
            if (template == null && Files.isRegularFile(separate)) {
                template = Files.readString(separate);
            }
            return new PromptTemplate(template, tokenText(j, "bos_token", null), tokenText(j, "eos_token", null));
        } catch (IOException | RuntimeException e) {
            throw new CheckpointException(tokenizerConfig, "cannot read: " + e.getMessage(), e);
        }
    }
}
