package dev.dyspec.core.decode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.dyspec.api.GenerationStats;
import dev.dyspec.api.SamplingParams;
import dev.dyspec.api.StrategyOptions;
import dev.dyspec.api.TreeStrategy;
import dev.dyspec.core.checkpoint.ModelConfig;
import dev.dyspec.core.model.LanguageModel;
import dev.dyspec.core.model.ModelLoader;
import dev.dyspec.core.testing.RandomModels;
import dev.dyspec.core.testing.SharedModels;
import dev.dyspec.core.testing.TestModels;
import dev.dyspec.api.TreeCost;
import dev.dyspec.strategies.AcceptanceModel;
import dev.dyspec.strategies.BuiltinStrategies;
import dev.dyspec.strategies.TargetOnlyStrategy;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** At temperature 0 every strategy must emit exactly the target-only greedy sequence. */
class GreedyExactnessTest {

    private static final int MAX_BUDGET = 64;

    @Test
    void everyStrategyMatchesTargetOnlyOnRandomModels() {
        ModelConfig config = RandomModels.config(32, 64, 2, 4, 2, 64, 160, true);
        try (SpeculativeDecoder decoder = new SpeculativeDecoder(TestModels.random(config, 5, MAX_BUDGET + 2),
                TestModels.perturbed(config, 5, 0.4, MAX_BUDGET + 2), MAX_BUDGET)) {
            Random random = new Random(3);
            for (int prompt = 0; prompt < 4; prompt++) {
                int[] tokens = random.ints(1 + random.nextInt(12), 3, 64).toArray();
                tokens[0] = 1;
                checkAllStrategies(decoder, tokens, 60, new int[] {1, 3, 8, 24});
            }
        }
    }

    @Test
    void everyStrategyMatchesTargetOnlyOnTheShippedPair() {
        checkRealPair(SharedModels.shipped("dyspec-target"), SharedModels.shipped("dyspec-draft"),
                List.of("", "And God said", "The Congress of the United States"), 48);
    }

    @Test
    void everyStrategyMatchesTargetOnlyOnTheSharedPair() {
        checkRealPair(SharedModels.hf("stories260K"), SharedModels.hf("llama2xs"),
                List.of("", "Once upon a time", "One day, Tom saw a", "Lily and her mom went"), 80);
    }

    private void checkRealPair(Path targetDir, Path draftDir, List<String> prompts, int tokens) {
        ModelLoader loader = new ModelLoader(Device.cpu(), MAX_BUDGET + 2);
        LanguageModel target = loader.load(targetDir);
        LanguageModel draft = loader.load(draftDir);
        try (SpeculativeDecoder decoder = new SpeculativeDecoder(target, draft, MAX_BUDGET)) {
            long accepted = 0;
            for (String prompt : prompts) {
                accepted += checkAllStrategies(decoder, decoder.encodePrompt(prompt), tokens, new int[] {4, 16});
            }
            assertTrue(accepted > 0, "the real pair agrees on some tokens");
        }
    }

    @Test
    void calibratedStrategiesWithALearnedModelAndAdaptiveSizeStayExact() {
        ModelConfig config = RandomModels.config(32, 64, 2, 4, 2, 64, 160, true);
        try (SpeculativeDecoder decoder = new SpeculativeDecoder(TestModels.random(config, 8, MAX_BUDGET + 2),
                TestModels.perturbed(config, 8, 0.4, MAX_BUDGET + 2), MAX_BUDGET)) {
            AcceptanceModel model = new AcceptanceModel(0.5, 4);
            decoder.addObserver(model);
            TreeCost cost = n -> 1.0 + 0.05 * n;
            List<TreeStrategy> strategies = BuiltinStrategies.all(model, cost);
            int[] prompt = {1, 9, 17, 33};
            GenerationResult reference = decoder.generate(request(prompt, 60, new TargetOnlyStrategy(), 1));
            for (String name : List.of("dyspec-calibrated", "dyspec-calibrated-threshold", "dyspec", "ngram-tree")) {
                for (boolean adaptive : new boolean[] {false, true}) {
                    StrategyOptions options = StrategyOptions.defaults().withBudget(24).withThreshold(0.02)
                            .withAdaptiveSize(adaptive && !name.endsWith("threshold"));
                    GenerationResult r = decoder.generate(new GenerationRequest(prompt, 60, SamplingParams.greedy(),
                            BuiltinStrategies.byName(strategies, name), options, List.of()));
                    assertArrayEquals(reference.tokens(), r.tokens(), name + " adaptive=" + adaptive);
                }
            }
            assertTrue(model.observations(AcceptanceModel.Band.GREEDY) > 0, "the model learned from the verifier");
        }
    }

    /** Returns the drafted tokens accepted over all speculative runs. */
    private static long checkAllStrategies(SpeculativeDecoder decoder, int[] prompt, int maxTokens, int[] budgets) {
        GenerationResult reference = decoder.generate(request(prompt, maxTokens, new TargetOnlyStrategy(), 1));
        assertEquals(reference.tokens().length, reference.stats().emittedTokens());
        long accepted = 0;
        for (TreeStrategy strategy : BuiltinStrategies.all()) {
            for (int budget : budgets) {
                GenerationResult r = decoder.generate(request(prompt, maxTokens, strategy, budget));
                assertArrayEquals(reference.tokens(), r.tokens(), strategy.name() + " budget " + budget);
                assertEquals(reference.text(), r.text());
                GenerationStats s = r.stats();
                assertTrue(s.acceptedTokens() <= s.draftedTokens());
                assertTrue(s.targetForwards() <= reference.stats().targetForwards());
                accepted += s.acceptedTokens();
            }
        }
        return accepted;
    }

    static GenerationRequest request(int[] prompt, int maxTokens, TreeStrategy strategy, int budget) {
        StrategyOptions options = StrategyOptions.defaults().withBudget(budget).withThreshold(0.02);
        return new GenerationRequest(prompt, maxTokens, SamplingParams.greedy(), strategy, options, List.of());
    }
}
