package dev.dyspec.core.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dyspec.api.BatchCompany;
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

    /** A small random target with a perturbed copy as its draft: they agree often, not always. */
    private static SpeculativeDecoder randomPair() {
        ModelConfig config = RandomModels.config(32, 64, 2, 4, 2, 64, 200, true);
        return new SpeculativeDecoder(TestModels.random(config, 9, 66), TestModels.perturbed(config, 9, 0.4, 66), 64);
    }

    @Test
    void concurrentGenerationsOfEveryStrategyEmitWhatEachEmitsAlone() throws Exception {
        try (SpeculativeDecoder decoder = randomPair()) {
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
                together.add(EngineOutcomes.submit(engine, r, step -> stepSizes.add(engine.activeGenerations())));
            }
            for (int i = 0; i < requests.size(); i++) {
                assertArrayEquals(alone.get(i), together.get(i).get(60, TimeUnit.SECONDS),
                        requests.get(i).strategy().name());
            }
            assertTrue(stepSizes.stream().anyMatch(n -> n > 1), "steps were shared by several generations");
            InferenceEngine.Batching batching = engine.batching();
            assertTrue(batching.draftForwards() > 0, "draft forwards were shared by generations growing side by side");
            assertTrue(batching.draftRows() > batching.draftForwards(), "a shared draft forward held several expansions");
            assertTrue(engine.shutdown(Duration.ofSeconds(5)));
            assertEquals(0, engine.activeGenerations());
            assertEquals(0, decoder.pooledSlotsInUse(), "every finished generation gave its cache slot back");
        }
    }

    /**
     * A strategy that fails midway through growing (after one draft forward) fails its own generation;
     * the generations growing beside it, waiting at the shared draft forward, go on and finish exactly.
     */
    @Test
    void aStrategyFailingWhileOthersWaitForTheSharedDraftForwardFailsOnlyItself() throws Exception {
        try (SpeculativeDecoder decoder = randomPair()) {
            TreeStrategy chain = BuiltinStrategies.byName("chain");
            TreeStrategy failing = new TreeStrategy() {
                @Override
                public String name() {
                    return "fails-after-one-forward";
                }

                @Override
                public void validate(StrategyOptions options, int maxBudget) {
                }

                @Override
                public dev.dyspec.api.TokenTree grow(dev.dyspec.api.DraftHandle draft, int rootToken, StrategyOptions options,
                                                      SamplingParams params, java.util.random.RandomGenerator random) {
                    draft.expand(dev.dyspec.api.TreeBuilder.rooted(rootToken), new int[] {0});
                    throw new IllegalStateException("strategy bug");
                }
            };
            int[] prompt = {1, 7, 9, 30};
            GenerationRequest good = new GenerationRequest(prompt, 30, SamplingParams.greedy(), chain,
                    StrategyOptions.defaults().withBudget(6), List.of());
            int[] alone = decoder.generate(good).tokens();
            InferenceEngine engine = new InferenceEngine(decoder, new InferenceEngine.Limits(4, 0));
            List<CompletableFuture<int[]>> outcomes = new ArrayList<>();
            for (GenerationRequest r : List.of(good, new GenerationRequest(prompt, 30, SamplingParams.greedy(), failing,
                    StrategyOptions.defaults(), List.of()), good)) {
                outcomes.add(EngineOutcomes.submit(engine, r));
            }
            assertArrayEquals(alone, outcomes.get(0).get(60, TimeUnit.SECONDS));
            assertArrayEquals(alone, outcomes.get(2).get(60, TimeUnit.SECONDS));
            java.util.concurrent.ExecutionException failed = org.junit.jupiter.api.Assertions.assertThrows(
                    java.util.concurrent.ExecutionException.class, () -> outcomes.get(1).get(60, TimeUnit.SECONDS));
            assertEquals("strategy bug", failed.getCause().getMessage());
            assertTrue(engine.shutdown(Duration.ofSeconds(5)));
        }
    }

    /**
     * A prompt whose chunked prefill outlives every running generation goes in whole once it runs alone
     * (the chunk limit is lifted mid-prompt), and its output equals the generation alone.
     */
    @Test
    void aPromptStillPrefillingWhenTheOthersFinishCompletes() throws Exception {
        try (SpeculativeDecoder decoder = randomPair()) {
            TreeStrategy dyspec = BuiltinStrategies.byName("dyspec");
            // a few steps of one token or two: over before 160 prompt tokens go in by chunks of 8
            GenerationRequest shortRun = new GenerationRequest(new int[] {1, 5, 9}, 8, SamplingParams.greedy(), dyspec,
                    StrategyOptions.defaults().withBudget(1), List.of());
            int[] longPrompt = new Random(11).ints(160, 3, 64).toArray();
            longPrompt[0] = 1;
            GenerationRequest late = new GenerationRequest(longPrompt, 10, SamplingParams.greedy(), dyspec,
                    StrategyOptions.defaults().withBudget(6), List.of());
            int[] lateAlone = decoder.generate(late).tokens();
            InferenceEngine engine = new InferenceEngine(decoder, new InferenceEngine.Limits(4, 0, true, 8,
                    Duration.ofMinutes(5), Integer.MAX_VALUE));
            // submitted from the short run's first step, on the engine thread
            CompletableFuture<CompletableFuture<int[]>> second = new CompletableFuture<>();
            CompletableFuture<int[]> first = EngineOutcomes.submit(engine, shortRun, step -> {
                if (!second.isDone()) {
                    second.complete(EngineOutcomes.submit(engine, late));
                }
            });
            first.get(60, TimeUnit.SECONDS);
            assertTrue(second.isDone(), "the long prompt arrived while the short generation ran");
            assertArrayEquals(lateAlone, second.get().get(60, TimeUnit.SECONDS));
            assertTrue(engine.shutdown(Duration.ofSeconds(5)));
        }
    }

    /** The row cap shares a step's rows out among the requests in it; a request alone keeps the tree it asked for. */
    @Test
    void theRowCapSharesOutRowsUnderLoadButLeavesARequestAloneItsBudget() throws Exception {
        try (SpeculativeDecoder decoder = randomPair()) {
            TreeStrategy chain = BuiltinStrategies.byName("chain");
            InferenceEngine engine = new InferenceEngine(decoder, new InferenceEngine.Limits(4, 0, true, 64,
                    Duration.ofMinutes(5), 6));
            GenerationRequest request = new GenerationRequest(new int[] {1, 5, 9}, 12, SamplingParams.greedy(), chain,
                    StrategyOptions.defaults().withBudget(8), List.of());
            List<Integer> alone = new java.util.concurrent.CopyOnWriteArrayList<>();
            EngineOutcomes.submit(engine, request, step -> alone.add(step.treeSize())).get(60, TimeUnit.SECONDS);
            assertTrue(alone.get(0) == 8, "alone, the first step's chain has its 8 nodes: " + alone);
            List<Integer> shared = new java.util.concurrent.CopyOnWriteArrayList<>();
            List<CompletableFuture<int[]>> together = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                together.add(EngineOutcomes.submit(engine, request, step -> shared.add(step.treeSize())));
            }
            for (CompletableFuture<int[]> f : together) {
                f.get(60, TimeUnit.SECONDS);
            }
            // in 6 rows: two requests get a root and 2 drafted nodes each, three a root and 1
            assertTrue(shared.stream().filter(size -> size == 1 || size == 2).count() >= 3, "shared steps: " + shared);
            assertTrue(engine.shutdown(Duration.ofSeconds(5)));
        }
    }

    /**
     * A long prompt arriving while others generate is prefilled in chunks inside their steps: they keep
     * stepping meanwhile, and every output (the long prompt's included, and its prompt log-probabilities)
     * equals the generation alone.
     */
    @Test
    void aLongPromptIsPrefilledInChunksWhileOthersKeepStepping() throws Exception {
        try (SpeculativeDecoder decoder = randomPair()) {
            TreeStrategy dyspec = BuiltinStrategies.byName("dyspec");
            GenerationRequest running = new GenerationRequest(new int[] {1, 5, 9}, 60, SamplingParams.greedy(), dyspec,
                    StrategyOptions.defaults().withBudget(6), List.of());
            int[] longPrompt = new Random(8).ints(100, 3, 64).toArray();
            longPrompt[0] = 1;
            GenerationRequest late = new GenerationRequest(longPrompt, 20, SamplingParams.greedy(), dyspec,
                    StrategyOptions.defaults().withBudget(6), List.of(), dev.dyspec.core.decode.LogitAdjustment.NONE,
                    new dev.dyspec.core.decode.LogprobsRequest(false, true, 0));
            int[] runningAlone = decoder.generate(running).tokens();
            List<dev.dyspec.core.decode.TokenLogprob> promptAlone;
            int[] lateAlone;
            try (GenerationSession s = decoder.start(late)) {
                promptAlone = s.promptLogprobs();
                while (!s.finished()) {
                    s.step();
                }
                lateAlone = s.generatedTokens();
            }
            InferenceEngine engine = new InferenceEngine(decoder, new InferenceEngine.Limits(4, 0, true, 16,
                    Duration.ofMinutes(5), Integer.MAX_VALUE));
            java.util.concurrent.atomic.AtomicInteger runningSteps = new java.util.concurrent.atomic.AtomicInteger();
            CompletableFuture<Integer> stepsBeforeLateStarted = new CompletableFuture<>();
            CompletableFuture<int[]> first = new CompletableFuture<>();
            CompletableFuture<GenerationSession> second = new CompletableFuture<>();
            engine.submit(running, new GenerationListener() {
                @Override
                public void onStep(StepResult step) {
                    if (runningSteps.incrementAndGet() == 2) {
                        engine.submit(late, new GenerationListener() {
                            @Override
                            public void onStart(GenerationSession session) {
                                stepsBeforeLateStarted.complete(runningSteps.get());
                            }

                            @Override
                            public void onStep(StepResult step) {
                            }

                            @Override
                            public void onComplete(GenerationSession session) {
                                second.complete(session);
                            }

                            @Override
                            public void onError(Throwable error) {
                                second.completeExceptionally(error);
                            }
                        });
                    }
                }

                @Override
                public void onComplete(GenerationSession session) {
                    first.complete(session.generatedTokens());
                }

                @Override
                public void onError(Throwable error) {
                    first.completeExceptionally(error);
                }
            });
            assertArrayEquals(runningAlone, first.get(60, TimeUnit.SECONDS));
            GenerationSession lateSession = second.get(60, TimeUnit.SECONDS);
            assertArrayEquals(lateAlone, lateSession.generatedTokens());
            // 99 prompt tokens in chunks of 16: the running generation stepped while they went in
            assertTrue(stepsBeforeLateStarted.get() >= 2 + 6, "running steps before the prompt was in: "
                    + stepsBeforeLateStarted.get());
            List<dev.dyspec.core.decode.TokenLogprob> promptChunked = lateSession.promptLogprobs();
            assertEquals(promptAlone.size(), promptChunked.size());
            for (int i = 0; i < promptAlone.size(); i++) {
                assertEquals(promptAlone.get(i).logprob(), promptChunked.get(i).logprob(), 1e-4);
            }
            assertTrue(engine.shutdown(Duration.ofSeconds(5)));
        }
    }

    /**
     * With a row limit per step each request's tree is capped at its share, and every output is still
     * exactly what it is alone (the cap depends on the load, never on a request's random draws).
     */
    @Test
    void aRowLimitPerStepCapsEachTreeAndKeepsOutputsExact() throws Exception {
        try (SpeculativeDecoder decoder = randomPair()) {
            List<GenerationRequest> requests = new ArrayList<>();
            for (String name : List.of("dyspec", "dyspec-calibrated", "chain", "fixed-tree", "ngram-tree", "dyspec")) {
                requests.add(new GenerationRequest(new int[] {1, 3 + requests.size(), 9}, 40, SamplingParams.greedy(),
                        BuiltinStrategies.byName(name), StrategyOptions.defaults().withBudget(12), List.of()));
            }
            List<int[]> alone = new ArrayList<>();
            for (GenerationRequest r : requests) {
                alone.add(decoder.generate(r).tokens());
            }
            try (GenerationSession s = decoder.start(requests.get(0))) {
                assertTrue(s.propose(null, 2, BatchCompany.ALONE).tree().draftedNodes() <= 2, "a capped tree stays within its cap");
            }
            InferenceEngine engine = new InferenceEngine(decoder, new InferenceEngine.Limits(6, 0, true, 64,
                    Duration.ofMinutes(5), 24));
            List<Integer> treeSizes = new java.util.concurrent.CopyOnWriteArrayList<>();
            List<CompletableFuture<int[]>> outcomes = new ArrayList<>();
            for (GenerationRequest r : requests) {
                outcomes.add(EngineOutcomes.submit(engine, r, step -> treeSizes.add(step.treeSize())));
            }
            for (int i = 0; i < requests.size(); i++) {
                assertArrayEquals(alone.get(i), outcomes.get(i).get(60, TimeUnit.SECONDS), requests.get(i).strategy().name());
            }
            assertTrue(treeSizes.stream().anyMatch(n -> n <= 3), "trees were capped while six requests shared a step");
            assertTrue(engine.shutdown(Duration.ofSeconds(5)));
        }
    }
}
