package dev.dyspec.app;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import dev.dyspec.api.SamplingParams;
import dev.dyspec.api.StrategyOptions;
import dev.dyspec.api.TreeStrategy;
import dev.dyspec.app.cli.ModelPaths;
import dev.dyspec.core.decode.GenerationRequest;
import dev.dyspec.core.decode.GenerationResult;
import dev.dyspec.core.decode.SpeculativeDecoder;
import dev.dyspec.core.model.ModelLoader;
import dev.dyspec.strategies.BuiltinStrategies;
import dev.dyspec.strategies.TargetOnlyStrategy;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The default pair shipped in models/: it loads, agrees with itself, and decodes exactly. */
class ShippedPairTest {

    @Test
    void shippedPairLoadsWithMatchingTokenizersAndDecodesExactly() throws Exception {
        assertThat(ModelPaths.defaultTarget().resolve("model.safetensors")).exists();
        assertThat(ModelPaths.defaultDraft().resolve("model.safetensors")).exists();
        assertThat(Files.readString(ModelPaths.defaultTarget().resolve("tokenizer.json")))
                .isEqualTo(Files.readString(ModelPaths.defaultDraft().resolve("tokenizer.json")));
        ModelLoader loader = new ModelLoader(Device.cpu(), 66);
        try (SpeculativeDecoder decoder = new SpeculativeDecoder(loader.load(ModelPaths.defaultTarget()),
                loader.load(ModelPaths.defaultDraft()), 64)) {
            assertThat(decoder.target().tokenizer().vocabSize()).isEqualTo(decoder.target().config().vocabSize());
            for (String prompt : List.of("In the beginning", "The state of the Union")) {
                int[] ids = decoder.encodePrompt(prompt);
                GenerationResult reference = decoder.generate(new GenerationRequest(ids, 40, SamplingParams.greedy(),
                        new TargetOnlyStrategy(), StrategyOptions.defaults(), List.of()));
                assertThat(reference.text()).isNotBlank();
                for (TreeStrategy s : BuiltinStrategies.all()) {
                    GenerationResult r = decoder.generate(new GenerationRequest(ids, 40, SamplingParams.greedy(), s,
                            StrategyOptions.defaults().withBudget(8), List.of()));
                    assertThat(r.tokens()).as(s.name()).containsExactly(reference.tokens());
                }
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = DyspecMain.run(new String[] {"generate", "--prompt", "And God said", "--max-tokens", "8", "--json"},
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        assertThat(code).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("\"strategy\":\"dyspec\"");
    }
}
