package dev.dyspec.core.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dyspec.api.SamplingParams;
import dev.dyspec.api.StrategyOptions;
import dev.dyspec.core.checkpoint.ModelConfig;
import dev.dyspec.core.decode.GenerationRequest;
import dev.dyspec.core.decode.SpeculativeDecoder;
import dev.dyspec.core.testing.RandomModels;
import dev.dyspec.core.testing.TestModels;
import dev.dyspec.strategies.BuiltinStrategies;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A generation running past the wall-clock limit is stopped with a clear error; the engine goes on. */
class GenerationTimeLimitTest {

    @Test
    void aGenerationPastTheWallClockLimitFailsAloneAndTheEngineServesTheNext() throws Exception {
        ModelConfig config = RandomModels.config(32, 64, 2, 4, 2, 64, 400, true);
        try (SpeculativeDecoder decoder = new SpeculativeDecoder(TestModels.random(config, 9, 66), null, 64)) {
            InferenceEngine engine = new InferenceEngine(decoder, new InferenceEngine.Limits(2, 2, true, 64,
                    Duration.ofMillis(300), Integer.MAX_VALUE));
            // 100 steps of at least 40 ms each: far past the limit
            GenerationRequest slow = new GenerationRequest(new int[] {1, 5}, 100, SamplingParams.greedy(),
                    new SlowTargetOnly(), StrategyOptions.defaults(), List.of());
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> EngineOutcomes.submit(engine, slow).get(60, TimeUnit.SECONDS));
            assertInstanceOf(GenerationTimeoutException.class, e.getCause());
            assertTrue(e.getCause().getMessage().contains("limit"), e.getCause().getMessage());
            GenerationRequest quick = new GenerationRequest(new int[] {1, 5}, 2, SamplingParams.greedy(),
                    BuiltinStrategies.byName("target-only"), StrategyOptions.defaults(), List.of());
            assertArrayEquals(decoder.generate(quick).tokens(), EngineOutcomes.submit(engine, quick).get(60, TimeUnit.SECONDS));
            assertTrue(engine.shutdown(Duration.ofSeconds(5)));
        }
    }

    /** Target-only steps that each take at least 40 ms. */
    private static final class SlowTargetOnly implements dev.dyspec.api.TreeStrategy {
        private final dev.dyspec.api.TreeStrategy plain = BuiltinStrategies.byName("target-only");

        @Override
        public String name() {
            return "slow-target-only";
        }

        @Override
        public void validate(StrategyOptions options, int maxBudget) {
            plain.validate(options, maxBudget);
        }

        @Override
        public boolean usesDraft() {
            return false;
        }

        @Override
        public dev.dyspec.api.TokenTree grow(dev.dyspec.api.DraftHandle draft, int rootToken, StrategyOptions options,
                                             SamplingParams params, java.util.random.RandomGenerator random) {
            try {
                Thread.sleep(40);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return plain.grow(draft, rootToken, options, params, random);
        }
    }

}
