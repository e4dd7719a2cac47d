package dev.dyspec.core.decode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.dyspec.api.SamplingParams;
import dev.dyspec.api.StrategyOptions;
import dev.dyspec.api.TreeStrategy;
import dev.dyspec.core.checkpoint.Architecture;
import dev.dyspec.core.checkpoint.ModelConfig;
import dev.dyspec.core.checkpoint.RopeScaling;
import dev.dyspec.core.checkpoint.SafetensorsWriter;
import dev.dyspec.core.model.LanguageModel;
import dev.dyspec.core.model.ModelLoader;
import dev.dyspec.core.testing.RandomModels;
import dev.dyspec.core.testing.SharedModels;
import dev.dyspec.core.tokenizer.HfTextTokenizer;
import dev.dyspec.strategies.BuiltinStrategies;
import dev.dyspec.strategies.TargetOnlyStrategy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each family as a user brings it: that family's config.json fields and the real tokenizer of its models
 * (Llama 3.1's 128k, Qwen3's 151k with embedding rows padded past the tokenizer, Llama 2's SentencePiece
 * for Mistral), loaded through the user's path. A pair of such checkpoints decodes greedily exactly as
 * the target alone with every strategy, and never emits a padding row.
 */
class RealTokenizerFamiliesTest {

    @TempDir
    Path tmp;

    static Stream<Arguments> families() {
        return Stream.of(
                Arguments.of("llama3.1", new Architecture("llama", 0, RopeScaling.llama3(8, 1, 4, 64), false, false, false,
                        false, 0), 0, 128000, 128001, 500000.0),
                Arguments.of("qwen3", new Architecture("qwen3", 16, RopeScaling.NONE, false, false, false, true, 0), 267,
                        151643, 151645, 1e6),
                Arguments.of("qwen3", new Architecture("qwen2", 0, RopeScaling.NONE, true, false, false, false, 0), 267,
                        151643, 151645, 1e6),
                Arguments.of("llama2", new Architecture("mistral", 0, RopeScaling.NONE, false, false, false, false, 96), 0,
                        1, 2, 10000.0));
    }

    private Path checkpoint(String tokenizer, Architecture a, int paddedRows, int bos, int eos, double theta, long seed)
            throws Exception {
        Path source = SharedModels.root().resolve("tokenizers").resolve(tokenizer);
        int vocab;
        try (HfTextTokenizer t = HfTextTokenizer.load(source.resolve("tokenizer.json"))) {
            vocab = t.vocabSize();
        }
        ModelConfig c = new ModelConfig(32, 48, 2, 4, 2, vocab + paddedRows, 1e-5, theta, 128, true, bos, eos, a);
        Path dir = tmp.resolve(a.family() + "-" + seed);
        RandomModels.writeHf(dir, c, RandomModels.weights(c, seed), SafetensorsWriter.Dtype.F32);
        Files.copy(source.resolve("tokenizer.json"), dir.resolve("tokenizer.json"));
        return dir;
    }

    @ParameterizedTest(name = "{1} with the {0} tokenizer")
    @MethodSource("families")
    void aPairWithTheFamilysRealTokenizerDecodesGreedilyLikeTheTargetAlone(String tokenizer, Architecture a,
                                                                           int paddedRows, int bos, int eos, double theta)
            throws Exception {
        Path targetDir = checkpoint(tokenizer, a, paddedRows, bos, eos, theta, 3);
        Path draftDir = checkpoint(tokenizer, a, paddedRows, bos, eos, theta, 4);
        ModelLoader loader = new ModelLoader(Device.cpu(), 40);
        LanguageModel target = loader.load(targetDir);
        LanguageModel draft = loader.load(draftDir);
        try (SpeculativeDecoder decoder = new SpeculativeDecoder(target, draft, 32)) {
            String text = "Héllo, wörld — 数字 42!";
            assertEquals(text, target.tokenizer().decode(target.tokenizer().encode(text)), "the real tokenizer round-trips");
            int tokenizerVocab = target.tokenizer().vocabSize();
            assertEquals(tokenizerVocab, target.lm().scoredVocab(), "rows past the tokenizer are never scored");
            int[] prompt = decoder.encodePrompt("Once upon a time, in a land far away");
            GenerationRequest alone = new GenerationRequest(prompt, 16, SamplingParams.greedy(), new TargetOnlyStrategy(),
                    StrategyOptions.defaults(), List.of());
            int[] expected = decoder.generate(alone).tokens();
            for (int token : expected) {
                assertTrue(token < tokenizerVocab, "emitted padding row " + token);
            }
            for (TreeStrategy s : BuiltinStrategies.all()) {
                GenerationResult r = decoder.generate(new GenerationRequest(prompt, 16, SamplingParams.greedy(), s,
                        StrategyOptions.defaults().withBudget(8), List.of()));
                assertArrayEquals(expected, r.tokens(), s.name());
            }
        }
    }
}
