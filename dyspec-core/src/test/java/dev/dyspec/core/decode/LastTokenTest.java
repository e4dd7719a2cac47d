package dev.dyspec.core.decode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dyspec.api.SamplingParams;
import dev.dyspec.api.StrategyOptions;
import dev.dyspec.core.checkpoint.ModelConfig;
import dev.dyspec.core.testing.RandomModels;
import dev.dyspec.core.testing.TestModels;
import dev.dyspec.strategies.BuiltinStrategies;
import dev.dyspec.strategies.TargetOnlyStrategy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * With one token left a tree's drafts could only be thrown away: the step scores the root alone (one row,
 * no draft forward), and the output is still the target's.
 */
class LastTokenTest {

    @ParameterizedTest(name = "max_tokens {0}")
    @ValueSource(ints = {1, 2, 5})
    void theLastTokenTakesNoTree(int maxTokens) {
        ModelConfig config = RandomModels.config(32, 64, 2, 4, 2, 64, 160, true);
        try (SpeculativeDecoder decoder = new SpeculativeDecoder(TestModels.random(config, 5, 10),
                TestModels.perturbed(config, 5, 0.4, 10), 8)) {
            int[] prompt = {1, 7, 9, 12};
            GenerationRequest dyspec = new GenerationRequest(prompt, maxTokens, SamplingParams.greedy(),
                    BuiltinStrategies.byName("dyspec"), StrategyOptions.defaults().withBudget(8), List.of());
            GenerationRequest targetOnly = new GenerationRequest(prompt, maxTokens, SamplingParams.greedy(),
                    new TargetOnlyStrategy(), StrategyOptions.defaults(), List.of());
            List<StepResult> steps = new ArrayList<>();
            int[] tokens;
            try (GenerationSession s = decoder.start(dyspec)) {
                while (!s.finished()) {
                    steps.add(s.step());
                }
                tokens = s.generatedTokens();
            }
            assertArrayEquals(decoder.generate(targetOnly).tokens(), tokens);
            assertEquals(maxTokens, tokens.length);
            StepResult last = steps.get(steps.size() - 1);
            if (maxTokens == 1) {
                assertEquals(1, steps.size());
            }
            if (last.tokens().length == 1) {
                assertEquals(0, last.treeSize(), "the step that emits the last token alone drafts nothing");
            }
            assertTrue(steps.size() == 1 || steps.get(0).treeSize() > 0, "earlier steps still draft trees");
        }
    }
}
