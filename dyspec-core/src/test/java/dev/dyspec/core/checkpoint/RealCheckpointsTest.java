package dev.dyspec.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.dyspec.api.SamplingParams;
import dev.dyspec.api.StrategyOptions;
import dev.dyspec.core.decode.GenerationRequest;
import dev.dyspec.core.decode.GenerationResult;
import dev.dyspec.core.decode.SpeculativeDecoder;
import dev.dyspec.core.model.KvCache;
import dev.dyspec.core.model.LanguageModel;
import dev.dyspec.core.model.ModelLoader;
import dev.dyspec.core.testing.Logits;
import dev.dyspec.core.testing.SharedModels;
import dev.dyspec.strategies.TargetOnlyStrategy;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The real TinyStories checkpoints in the shared folder, in both formats. */
class RealCheckpointsTest {

    private final ModelLoader loader = new ModelLoader(Device.cpu(), 66);

    @ParameterizedTest
    @ValueSource(strings = {"stories260K", "llama2xs"})
    void bothFormatsLoadAndGiveTheSameLogits(String name) {
        try (LanguageModel hf = loader.load(SharedModels.hf(name));
             LanguageModel bin = loader.load(SharedModels.llama2c(name));
             KvCache a = hf.lm().newCache(64);
             KvCache b = bin.lm().newCache(64)) {
            assertEquals(hf.config(), bin.config());
            int[] tokens = hf.tokenizer().encode("Once upon a time, Tom saw a big dog.");
            assertArrayEquals(tokens, bin.tokenizer().encode("Once upon a time, Tom saw a big dog."),
                    "tokenizer.json and tok512.bin encode alike");
            int[] withBos = new int[tokens.length + 1];
            withBos[0] = 1;
            System.arraycopy(tokens, 0, withBos, 1, tokens.length);
            float[][] x = hf.lm().forwardChain(a, withBos, true);
            float[][] y = bin.lm().forwardChain(b, withBos, true);
            for (int t = 0; t < withBos.length; t++) {
                assertTrue(Logits.maxRelativeDifference(x[t], y[t]) <= 1e-4, "position " + t);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"stories260K", "llama2xs"})
    void greedyFromTheStartTokenReproducesLlama2cRun(String name) throws IOException {
        int[] expectedIds = readResource(name + ".greedy.ids").lines().mapToInt(Integer::parseInt).toArray();
        String expectedText = readResource(name + ".greedy.txt").stripTrailing();
        for (boolean llama2cFormat : new boolean[] {true, false}) {
            LanguageModel model = loader.load(llama2cFormat ? SharedModels.llama2c(name) : SharedModels.hf(name));
            try (SpeculativeDecoder decoder = new SpeculativeDecoder(model, null, 64)) {
                GenerationResult r = decoder.generate(new GenerationRequest(decoder.encodePrompt(""), 256,
                        SamplingParams.greedy(), new TargetOnlyStrategy(), StrategyOptions.defaults(), List.of()));
                assertArrayEquals(expectedIds, r.tokens(), name + (llama2cFormat ? " (.bin)" : " (HF)"));
                assertEquals(expectedText, r.text().stripTrailing());
                assertEquals(1, r.promptTokens());
            }
        }
    }

    private static String readResource(String file) throws IOException {
        try (InputStream in = RealCheckpointsTest.class.getResourceAsStream("/llama2c-run/" + file)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
