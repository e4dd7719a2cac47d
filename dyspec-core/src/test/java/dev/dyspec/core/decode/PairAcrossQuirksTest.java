package dev.dyspec.core.decode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.dyspec.api.SamplingParams;
import dev.dyspec.api.StrategyOptions;
import dev.dyspec.api.TreeStrategy;
import dev.dyspec.core.checkpoint.CheckpointException;
import dev.dyspec.core.checkpoint.LlamaTensorNames;
import dev.dyspec.core.checkpoint.ModelConfig;
import dev.dyspec.core.checkpoint.SafetensorsWriter;
import dev.dyspec.core.checkpoint.WeightTensor;
import dev.dyspec.core.model.LanguageModel;
import dev.dyspec.core.model.ModelLoader;
import dev.dyspec.core.testing.RandomModels;
import dev.dyspec.core.testing.SharedModels;
import dev.dyspec.strategies.BuiltinStrategies;
import dev.dyspec.strategies.TargetOnlyStrategy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pairs as users bring them: a target whose embedding table is padded past the tokenizer (Qwen2.5-7B's
 * 152,064 rows for 151,665 tokens), a draft with a shorter context, a draft with another tokenizer.
 * Models are random, the tokenizer is the shipped pair's real one.
 */
class PairAcrossQuirksTest {

    private static final int TOKENS = 4096; // the shipped tokenizer's vocabulary

    @TempDir
    Path tmp;

    private Path write(String name, ModelConfig c, Map<String, WeightTensor> weights, Path tokenizer) throws Exception {
        Path dir = tmp.resolve(name);
        RandomModels.writeHf(dir, c, weights, SafetensorsWriter.Dtype.F32);
        Files.copy(tokenizer, dir.resolve("tokenizer.json"));
        return dir;
    }

    private static ModelConfig config(int vocab, int maxPositions) {
        return new ModelConfig(32, 48, 2, 4, 2, vocab, 1e-5, 10000.0, maxPositions, true, 0, 1);
    }

    /** The first rows of a padded model: the same model without its padding. */
    private static Map<String, WeightTensor> unpadded(Map<String, WeightTensor> padded, int rows) {
        Map<String, WeightTensor> w = new LinkedHashMap<>(padded);
        WeightTensor embed = padded.get(LlamaTensorNames.EMBED);
        int dim = embed.shape()[1];
        w.put(embed.name(), new WeightTensor(embed.name(), new int[] {rows, dim}, Arrays.copyOf(embed.data(), rows * dim)));
        return w;
    }

    @Test
    void aPaddedVocabularyPairGeneratesGreedilyExactlyLikeTargetOnly() throws Exception {
        Path tokenizer = SharedModels.shipped("dyspec-target").resolve("tokenizer.json");
        ModelConfig padded = config(TOKENS + 128, 128);
        Map<String, WeightTensor> weights = RandomModels.weights(padded, 5);
        // padding rows that would win every argmax if they were scored (tied head: embedding rows are logits rows)
        float[] embed = weights.get(LlamaTensorNames.EMBED).data();
        for (int i = TOKENS * 32; i < embed.length; i++) {
            embed[i] *= 50;
        }
        Path targetDir = write("target", padded, weights, tokenizer);
        Path draftDir = write("draft", config(TOKENS, 128), unpadded(weights, TOKENS), tokenizer);
        ModelLoader loader = new ModelLoader(Device.cpu(), 18);
        try (SpeculativeDecoder decoder = new SpeculativeDecoder(loader.load(targetDir), loader.load(draftDir), 16)) {
            assertEquals(TOKENS, decoder.target().lm().scoredVocab());
            int[] prompt = decoder.encodePrompt("And God said");
            int[] reference = generate(decoder, new TargetOnlyStrategy(), prompt);
            assertTrue(Arrays.stream(reference).allMatch(t -> t < TOKENS), "padding rows have probability zero");
            for (TreeStrategy s : BuiltinStrategies.all()) {
                assertArrayEquals(reference, generate(decoder, s, prompt), s.name());
            }
        }
    }

    private static int[] generate(SpeculativeDecoder decoder, TreeStrategy strategy, int[] prompt) {
        return decoder.generate(new GenerationRequest(prompt, 24, new SamplingParams(0, 1, 1), strategy,
                StrategyOptions.defaults().withBudget(8), List.of())).tokens();
    }

    @Test
    void aDraftWithAShorterContextBoundsTheGenerationInsteadOfFailingMidway() throws Exception {
        Path tokenizer = SharedModels.shipped("dyspec-target").resolve("tokenizer.json");
        Map<String, WeightTensor> weights = RandomModels.weights(config(TOKENS, 96), 9);
        Path targetDir = write("long", config(TOKENS, 96), weights, tokenizer);
        Path draftDir = write("short", config(TOKENS, 40), weights, tokenizer);
        ModelLoader loader = new ModelLoader(Device.cpu(), 18);
        try (SpeculativeDecoder decoder = new SpeculativeDecoder(loader.load(targetDir), loader.load(draftDir), 16)) {
            assertEquals(40, decoder.contextLimit());
            int[] prompt = decoder.encodePrompt("And God said");
            for (TreeStrategy s : BuiltinStrategies.all()) {
                GenerationResult r = decoder.generate(new GenerationRequest(prompt, 200, new SamplingParams(1, 1, 3), s,
                        StrategyOptions.defaults().withBudget(16), List.of()));
                assertEquals("length", r.finishReason(), s.name());
                assertTrue(prompt.length + r.tokens().length <= 41, s.name() + ": " + r.tokens().length + " tokens");
            }
            int[] tooLong = new int[41];
            assertThrows(IllegalArgumentException.class, () -> decoder.generate(new GenerationRequest(tooLong, 1,
                    new SamplingParams(0, 1, 1), new TargetOnlyStrategy(), StrategyOptions.defaults(), List.of())));
        }
    }

    @Test
    void aDraftWhoseTokenizerDiffersIsRefusedNamingTheFirstDifferentToken() throws Exception {
        Path tokenizer = SharedModels.shipped("dyspec-target").resolve("tokenizer.json");
        String json = Files.readString(tokenizer);
        assertTrue(json.contains("\"Ġa\":260") && json.contains("\"Ġthe\":261"));
        // the same tokens under swapped ids: every merge still resolves, but ids 260 and 261 mean other text
        Path other = tmp.resolve("other-tokenizer.json");
        Files.writeString(other, json.replace("\"Ġa\":260", "\"Ġa\":SWAP").replace("\"Ġthe\":261", "\"Ġthe\":260")
                .replace("\"Ġa\":SWAP", "\"Ġa\":261"));
        Map<String, WeightTensor> weights = RandomModels.weights(config(TOKENS, 64), 3);
        Path targetDir = write("t", config(TOKENS, 64), weights, tokenizer);
        Path draftDir = write("d", config(TOKENS, 64), weights, other);
        ModelLoader loader = new ModelLoader(Device.cpu(), 18);
        LanguageModel target = loader.load(targetDir);
        LanguageModel draft = loader.load(draftDir);
        CheckpointException e = assertThrows(CheckpointException.class, () -> new SpeculativeDecoder(target, draft, 16));
        assertTrue(e.getMessage().contains("at token 260: ' the' vs ' a'"), e.getMessage());
        target.close();
        draft.close();
    }
}
