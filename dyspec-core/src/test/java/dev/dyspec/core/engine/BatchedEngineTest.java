package dev.dyspec.core.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dyspec.api.SamplingParams;
import dev.dyspec.api.StrategyOptions;
import dev.dyspec.api.TreeStrategy;
import dev.dyspec.core.checkpoint.ModelConfig;
import dev.dyspec.core.decode.GenerationRequest;
import dev.dyspec.core.decode.GenerationSession;
import dev.dyspec.core.decode.SpeculativeDecoder;
import dev.dyspec.core.decode.StepResult;
import dev.dyspec.core.testing.RandomModels;
import dev.dyspec.core.testing.TestModels;
import dev.dyspec.strategies.BuiltinStrategies;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Requests of different strategies running at once share each target forward, and each still emits
 * exactly what it emits alone at temperature 0.
 */
class BatchedEngineTest {

    @Test
    void concurrentGenerationsOfEveryStrategyEmitWhatEachEmitsAlone() throws Exception {
        ModelConfig config = RandomModels.config(32, 64, 2, 4, 2, 64, 200, true);
        try (SpeculativeDecoder decoder = new SpeculativeDecoder(TestModels.random(config, 9, 66),
                TestModels.perturbed(config, 9, 0.4, 66), 64)) {
            List<TreeStrategy> strategies = BuiltinStrategies.all();
            Random random = new Random(4);
            List<GenerationRequest> requests = new ArrayList<>();
            for (TreeStrategy s : strategies) {
                int[] prompt = random.ints(1 + random.nextInt(10), 3, 64).toArray();
                prompt[0] = 1;
                requests.add(new GenerationRequest(prompt, 40, SamplingParams.greedy(), s,
                        StrategyOptions.defaults().withBudget(4 + random.nextInt(12)), List.of()));
            }
            List<int[]> alone = new ArrayList<>();
            for (GenerationRequest r : requests) {
                alone.add(decoder.generate(r).tokens());
            }
            InferenceEngine engine = new InferenceEngine(decoder, new InferenceEngine.Limits(requests.size(), 0));
            List<CompletableFuture<int[]>> together = new ArrayList<>();
            List<Integer> stepSizes = new java.util.concurrent.CopyOnWriteArrayList<>();
            for (GenerationRequest r : requests) {
                CompletableFuture<int[]> done = new CompletableFuture<>();
                engine.submit(r, new GenerationListener() {
                    @Override
                    public void onStep(StepResult step) {
                        stepSizes.add(engine.activeGenerations());
                    }

                    @Override
                    public void onComplete(GenerationSession session) {
                        done.complete(session.generatedTokens());
                    }

                    @Override
                    public void onError(Throwable error) {
                        done.completeExceptionally(error);
                    }
                });
                together.add(done);
            }
            for (int i = 0; i < requests.size(); i++) {
                assertArrayEquals(alone.get(i), together.get(i).get(60, TimeUnit.SECONDS),
                        requests.get(i).strategy().name());
            }
            assertTrue(stepSizes.stream().anyMatch(n -> n > 1), "steps were shared by several generations");
            assertTrue(engine.shutdown(Duration.ofSeconds(5)));
            assertEquals(0, engine.activeGenerations());
        }
    }
}
