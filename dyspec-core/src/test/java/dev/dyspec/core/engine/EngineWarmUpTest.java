package dev.dyspec.core.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dyspec.api.DraftHandle;
import dev.dyspec.api.SamplingParams;
import dev.dyspec.api.StrategyOptions;
import dev.dyspec.api.TokenTree;
import dev.dyspec.api.TreeStrategy;
import dev.dyspec.core.checkpoint.ModelConfig;
import dev.dyspec.core.decode.GenerationRequest;
import dev.dyspec.core.decode.SpeculativeDecoder;
import dev.dyspec.core.testing.RandomModels;
import dev.dyspec.core.testing.TestModels;
import dev.dyspec.strategies.BuiltinStrategies;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** A warm-up runs its requests through the engine's own loop, round after round, and never throws. */
class EngineWarmUpTest {

    private static final ModelConfig CONFIG = RandomModels.config(32, 64, 2, 4, 2, 64, 400, true);

    private static GenerationRequest request(String strategy, double temperature, int tokens) {
        return new GenerationRequest(new int[] {1, 5, 7}, tokens, new SamplingParams(temperature, 1.0, 3),
                BuiltinStrategies.byName(strategy), StrategyOptions.defaults().withBudget(4), List.of());
    }

    /** What the requests emit run one by one outside the engine. */
    private static long tokensAlone(SpeculativeDecoder decoder, List<GenerationRequest> requests) {
        long tokens = 0;
        for (GenerationRequest r : requests) {
            tokens += decoder.generate(r).tokens().length;
        }
        return tokens;
    }

    @Test
    void theFirstRoundRunsWholeEvenWhenTheBudgetIsSpentAtOnce() {
        try (SpeculativeDecoder decoder = new SpeculativeDecoder(TestModels.random(CONFIG, 9, 66), TestModels.random(CONFIG, 4, 66), 64)) {
            InferenceEngine engine = new InferenceEngine(decoder, new InferenceEngine.Limits(2, 0));
            List<GenerationRequest> round = List.of(request("target-only", 0, 6), request("dyspec", 0, 6),
                    request("chain", 1, 6), request("dyspec-ngram", 1, 6), request("ngram-tree", 0, 6));
            EngineWarmUp.Report report = EngineWarmUp.run(engine, round, Duration.ofNanos(1), 2);
            // five requests in waves of two: the third wave finds the places of the second free (no queue)
            assertEquals(5, report.generations());
            assertEquals(0, report.failed(), () -> report.failures().toString());
            assertEquals(tokensAlone(decoder, round), report.tokens());
            assertEquals(0, engine.activeGenerations());
            assertTrue(engine.shutdown(Duration.ofSeconds(5)));
        }
    }

    @Test
    void roundsRepeatUntilTheBudgetIsSpentAndTheEngineThenServesAsBefore() throws Exception {
        try (SpeculativeDecoder decoder = new SpeculativeDecoder(TestModels.random(CONFIG, 9, 66), TestModels.random(CONFIG, 4, 66), 64)) {
            InferenceEngine engine = new InferenceEngine(decoder, new InferenceEngine.Limits(4, 0));
            List<GenerationRequest> round = List.of(request("dyspec-calibrated", 0, 4), request("dyspec-calibrated", 1, 4));
            long start = System.nanoTime();
            EngineWarmUp.Report report = EngineWarmUp.run(engine, round, Duration.ofMillis(300), 4);
            assertTrue(System.nanoTime() - start >= 300_000_000L);
            assertTrue(report.generations() > 2 && report.generations() % 2 == 0, "generations: " + report.generations());
            assertEquals(tokensAlone(decoder, round) * report.generations() / 2, report.tokens());
            GenerationRequest next = request("dyspec", 0, 12);
            assertArrayEquals(decoder.generate(next).tokens(), EngineOutcomes.submit(engine, next).get(60, TimeUnit.SECONDS));
            assertTrue(engine.shutdown(Duration.ofSeconds(5)));
        }
    }

    @Test
    void aFailingRequestIsCountedAndTheOthersStillRun() {
        try (SpeculativeDecoder decoder = new SpeculativeDecoder(TestModels.random(CONFIG, 9, 66), null, 64)) {
            InferenceEngine engine = new InferenceEngine(decoder, new InferenceEngine.Limits(2, 0));
            GenerationRequest broken = new GenerationRequest(new int[] {1, 5}, 4, SamplingParams.greedy(), new Broken(),
                    StrategyOptions.defaults(), List.of());
            // a draft strategy on a server without a draft is refused at submit: counted too
            EngineWarmUp.Report report = EngineWarmUp.run(engine,
                    List.of(broken, request("target-only", 0, 5), request("dyspec", 0, 5)), Duration.ZERO.plusNanos(1), 2);
            assertEquals(3, report.generations());
            assertEquals(2, report.failed());
            assertEquals(tokensAlone(decoder, List.of(request("target-only", 0, 5))), report.tokens());
            assertTrue(report.failures().get(0).contains("broken on purpose"), report.failures().toString());
            assertTrue(engine.shutdown(Duration.ofSeconds(5)));
        }
    }

    @Test
    void parallelMustBePositive() {
        try (SpeculativeDecoder decoder = new SpeculativeDecoder(TestModels.random(CONFIG, 9, 66), null, 64)) {
            InferenceEngine engine = new InferenceEngine(decoder, new InferenceEngine.Limits(2, 0));
            assertThrows(IllegalArgumentException.class, () -> EngineWarmUp.run(engine, List.of(), Duration.ofSeconds(1), 0));
            assertTrue(engine.shutdown(Duration.ofSeconds(5)));
        }
    }

    /** Fails its first step. */
    private static final class Broken implements TreeStrategy {
        @Override
        public String name() {
            return "broken";
        }

        @Override
        public void validate(StrategyOptions options, int maxBudget) {
        }

        @Override
        public boolean usesDraft() {
            return false;
        }

        @Override
        public TokenTree grow(DraftHandle draft, int rootToken, StrategyOptions options, SamplingParams params,
                              RandomGenerator random) {
            throw new IllegalStateException("broken on purpose");
        }
    }
}
