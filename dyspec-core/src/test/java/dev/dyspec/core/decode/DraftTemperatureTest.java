package dev.dyspec.core.decode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dyspec.api.SamplingParams;
import dev.dyspec.api.StrategyOptions;
import dev.dyspec.core.model.LanguageModel;
import dev.dyspec.core.checkpoint.ModelConfig;
import dev.dyspec.core.testing.TestModels;
import dev.dyspec.strategies.AcceptanceModel;
import dev.dyspec.strategies.BuiltinStrategies;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Trees grown from a sharpened draft decode the same, and do not teach the curve learned at the request's temperature. */
class DraftTemperatureTest {

    @Test
    void drawsFromADraftAtAnotherTemperatureAreNotLearnedAsTheRequestsButDecodeTheSame() {
        TestModels.Pair pair = TestModels.smallPair();
        ModelConfig config = pair.config();
        LanguageModel target = pair.target();
        LanguageModel draft = pair.draft();
        try (SpeculativeDecoder decoder = new SpeculativeDecoder(target, draft, 64)) {
            AcceptanceModel model = new AcceptanceModel();
            decoder.addObserver(model);
            int[] prompt = {config.bosTokenId(), 3};
            StrategyOptions options = StrategyOptions.defaults().withBudget(6);
            GenerationResult paper = decoder.generate(new GenerationRequest(prompt, 20, SamplingParams.greedy(),
                    BuiltinStrategies.byName("dyspec"), options, List.of()));
            assertEquals(0, model.observations(AcceptanceModel.Band.GREEDY), "the paper's dyspec drafts at 0.6");
            GenerationResult sharpCalibrated = decoder.generate(new GenerationRequest(prompt, 20, SamplingParams.greedy(),
                    BuiltinStrategies.byName("dyspec-calibrated"), options.withDraftTemperature(0.6), List.of()));
            assertEquals(0, model.observations(AcceptanceModel.Band.GREEDY));
            GenerationResult calibrated = decoder.generate(new GenerationRequest(prompt, 20, SamplingParams.greedy(),
                    BuiltinStrategies.byName("dyspec-calibrated"), options, List.of()));
            assertTrue(model.observations(AcceptanceModel.Band.GREEDY) > 0, "draws at the request's temperature are learned");
            assertArrayEquals(calibrated.tokens(), paper.tokens());
            assertArrayEquals(calibrated.tokens(), sharpCalibrated.tokens());
        }
    }
}
