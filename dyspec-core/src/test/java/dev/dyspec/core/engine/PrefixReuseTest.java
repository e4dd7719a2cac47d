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
import dev.dyspec.core.decode.LogprobsRequest;
import dev.dyspec.core.decode.SpeculativeDecoder;
import dev.dyspec.core.model.ForwardBackend;
import dev.dyspec.core.testing.RandomModels;
import dev.dyspec.core.testing.TestModels;
import dev.dyspec.strategies.BuiltinStrategies;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A prompt that begins with a sequence the engine already ran — the same prompt again, an earlier turn and
 * its answer, a shared preamble — takes those rows from a finished generation's cache instead of prefilling
 * them, and emits exactly what it emits with nothing cached.
 */
class PrefixReuseTest {

    private static final ModelConfig CONFIG = RandomModels.config(32, 64, 2, 4, 2, 64, 200, true);
    private static final ForwardBackend DEFAULT_BACKEND = ForwardBackend.defaultFor(ai.djl.Device.cpu());

    /** What one generation emitted and how much of its prompt it found cached. */
    private record Outcome(int[] tokens, int reused, int promptLogprobs, long steps) {
    }

    private static SpeculativeDecoder decoder(ForwardBackend backend) {
        return new SpeculativeDecoder(TestModels.random(CONFIG, 9, 66, backend),
                TestModels.perturbed(CONFIG, 9, 0.4, 66, backend), 64);
    }

    /** What a request emits from a decoder of its own, with nothing cached (no pools, so nothing to race with). */
    private static int[] reference(ForwardBackend backend, GenerationRequest request) {
        return referenceResult(backend, request).tokens();
    }

    private static dev.dyspec.core.decode.GenerationResult referenceResult(ForwardBackend backend, GenerationRequest request) {
        try (SpeculativeDecoder fresh = decoder(backend)) {
            return fresh.generate(request);
        }
    }

    private static InferenceEngine engine(SpeculativeDecoder decoder, int maxConcurrent, int cacheSlots, boolean reuse) {
        return new InferenceEngine(decoder, new InferenceEngine.Limits(maxConcurrent, 64, true,
                InferenceEngine.DEFAULT_PREFILL_CHUNK, Duration.ofMinutes(5), Integer.MAX_VALUE, reuse, cacheSlots));
    }

    private static CompletableFuture<Outcome> submit(InferenceEngine engine, GenerationRequest request) {
        CompletableFuture<Outcome> done = new CompletableFuture<>();
        engine.submit(request, new GenerationListener() {
            @Override
            public void onStep(dev.dyspec.core.decode.StepResult step) {
            }

            @Override
            public void onComplete(GenerationSession session) {
                done.complete(new Outcome(session.generatedTokens(), session.reusedPromptTokens(),
                        session.promptLogprobs().size(), session.stats().targetForwards()));
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        });
        return done;
    }

    private static Outcome run(InferenceEngine engine, GenerationRequest request) throws Exception {
        return submit(engine, request).get(60, TimeUnit.SECONDS);
    }

    private static GenerationRequest greedy(int[] prompt, TreeStrategy strategy, int maxTokens) {
        return new GenerationRequest(prompt, maxTokens, SamplingParams.greedy(), strategy,
                StrategyOptions.defaults().withBudget(8), List.of());
    }

    private static int[] prompt(long seed, int length) {
        int[] p = new Random(seed).ints(length, 3, 64).toArray();
        p[0] = 1;
        return p;
    }

    private static int[] concat(int[]... parts) {
        return java.util.Arrays.stream(parts).flatMapToInt(java.util.Arrays::stream).toArray();
    }

    @ParameterizedTest
    @EnumSource(ForwardBackend.class)
    void theSamePromptAgainSkipsItsPrefillAndEmitsTheSameTokens(ForwardBackend backend) throws Exception {
        try (SpeculativeDecoder decoder = decoder(backend)) {
            TreeStrategy dyspec = BuiltinStrategies.byName("dyspec-calibrated");
            int[] prompt = prompt(3, 40);
            int[] alone = decoder.generate(greedy(prompt, dyspec, 30)).tokens(); // no pools: nothing cached
            InferenceEngine engine = engine(decoder, 2, 0, true);
            Outcome first = run(engine, greedy(prompt, dyspec, 30));
            Outcome again = run(engine, greedy(prompt, dyspec, 30));
            assertEquals(0, first.reused());
            assertEquals(prompt.length - 1, again.reused(), "all but the root token came from the cache");
            assertArrayEquals(alone, first.tokens());
            assertArrayEquals(alone, again.tokens());
            assertEquals(first.steps(), again.steps(), "the draft's copied rows drafted the same trees");
            assertEquals(1, decoder.prefixReuse().hits());
            assertTrue(engine.shutdown(Duration.ofSeconds(5)));
            assertEquals(0, decoder.pooledSlotsInUse(), "cached sequences hold no generation's slot");
        }
    }

    /**
     * A generation without the draft leaves target rows only: a drafting generation of the same prompt takes
     * them and runs the draft over the prompt itself.
     */
    @ParameterizedTest
    @EnumSource(ForwardBackend.class)
    void aDraftingGenerationTakesTheTargetRowsOfOneThatRanWithoutTheDraft(ForwardBackend backend) throws Exception {
        try (SpeculativeDecoder decoder = decoder(backend)) {
            int[] prompt = prompt(8, 36);
            InferenceEngine engine = engine(decoder, 1, 0, true);
            run(engine, greedy(prompt, BuiltinStrategies.byName("target-only"), 12));
            for (String drafting : List.of("dyspec-calibrated", "chain")) {
                GenerationRequest request = greedy(concat(prompt, prompt(9, 5)), BuiltinStrategies.byName(drafting), 24);
                Outcome o = run(engine, request);
                assertTrue(o.reused() >= prompt.length - 1, drafting + " reused " + o.reused());
                var alone = referenceResult(backend, request);
                assertArrayEquals(alone.tokens(), o.tokens(), drafting);
                // the same tokens whatever the draft held; the same steps only if its cache held the prompt
                assertEquals(alone.stats().targetForwards(), o.steps(), drafting + ": steps");
            }
            assertTrue(engine.shutdown(Duration.ofSeconds(5)));
        }
    }

    /** A conversation's next turn: the previous prompt, its answer and a new message. */
    @ParameterizedTest
    @EnumSource(ForwardBackend.class)
    void aFollowUpTurnReusesThePreviousPromptAndAnswer(ForwardBackend backend) throws Exception {
        try (SpeculativeDecoder decoder = decoder(backend)) {
            InferenceEngine engine = engine(decoder, 2, 0, true);
            for (TreeStrategy strategy : BuiltinStrategies.all()) {
                int[] turn1 = prompt(strategy.name().hashCode(), 20);
                Outcome answer = run(engine, greedy(turn1, strategy, 24));
                int[] turn2 = concat(turn1, answer.tokens(), prompt(7, 12));
                Outcome next = run(engine, greedy(turn2, strategy, 24));
                // the draft may not have run the answer's last accepted tokens yet: those are prefilled
                assertTrue(next.reused() >= turn1.length, strategy.name() + ": reused " + next.reused()
                        + " of the first turn's " + (turn1.length + answer.tokens().length));
                var alone = referenceResult(backend, greedy(turn2, strategy, 24));
                assertArrayEquals(alone.tokens(), next.tokens(), strategy.name());
                assertEquals(alone.stats().targetForwards(), next.steps(), strategy.name() + ": steps");
            }
            assertTrue(engine.shutdown(Duration.ofSeconds(5)));
        }
    }

    /**
     * Generations sharing a preamble run together, more of them over time than the pools have free slots for
     * cached sequences: each emits what it emits alone, none is refused for a slot a cache entry held.
     */
    @Test
    void concurrentPromptsSharingAPreambleEmitWhatEachEmitsAloneAndNeverRunOutOfSlots() throws Exception {
        try (SpeculativeDecoder decoder = decoder(DEFAULT_BACKEND)) {
            int[] preamble = prompt(11, 24);
            List<TreeStrategy> strategies = BuiltinStrategies.all();
            List<GenerationRequest> requests = new ArrayList<>();
            for (int i = 0; i < 3 * strategies.size(); i++) {
                int[] own = prompt(100 + i, 1 + i % 7);
                requests.add(greedy(concat(preamble, own), strategies.get(i % strategies.size()), 20));
            }
            List<int[]> alone = requests.stream().map(r -> decoder.generate(r).tokens()).toList();
            InferenceEngine engine = engine(decoder, 3, 0, true);
            List<CompletableFuture<Outcome>> outcomes = new ArrayList<>();
            for (GenerationRequest r : requests) {
                outcomes.add(submit(engine, r));
            }
            int reusing = 0;
            for (int i = 0; i < requests.size(); i++) {
                Outcome o = outcomes.get(i).get(60, TimeUnit.SECONDS);
                assertArrayEquals(alone.get(i), o.tokens(), requests.get(i).strategy().name() + " #" + i);
                reusing += o.reused() >= preamble.length ? 1 : 0;
            }
            assertTrue(reusing > requests.size() / 2, reusing + " of " + requests.size() + " reused the preamble");
            assertTrue(decoder.prefixReuse().entries() <= 3, "entries live in the pool's slots only");
            assertTrue(engine.shutdown(Duration.ofSeconds(5)));
            assertEquals(0, decoder.pooledSlotsInUse());
        }
    }

    /**
     * A generation cancelled between steps leaves consistent caches: its prompt and what it had emitted are
     * reused by the next request, which emits what it emits with nothing cached.
     */
    @Test
    void aCancelledGenerationsCachesServeTheNextRequestExactly() throws Exception {
        ForwardBackend backend = DEFAULT_BACKEND;
        try (SpeculativeDecoder decoder = decoder(backend)) {
            InferenceEngine engine = engine(decoder, 2, 0, true);
            TreeStrategy dyspec = BuiltinStrategies.byName("dyspec-calibrated");
            int[] prompt = prompt(31, 30);
            java.util.concurrent.atomic.AtomicReference<InferenceEngine.Ticket> ticket = new java.util.concurrent.atomic.AtomicReference<>();
            java.util.concurrent.CountDownLatch stepped = new java.util.concurrent.CountDownLatch(3);
            ticket.set(engine.submit(greedy(prompt, dyspec, 150), new GenerationListener() {
                @Override
                public void onStep(dev.dyspec.core.decode.StepResult step) {
                    stepped.countDown();
                    if (stepped.getCount() == 0) {
                        ticket.get().cancel();
                    }
                }

                @Override
                public void onComplete(GenerationSession session) {
                }

                @Override
                public void onError(Throwable error) {
                }
            }));
            assertTrue(stepped.await(60, TimeUnit.SECONDS));
            // the cancelled generation is closed within a step; wait until its slot became an entry
            for (int i = 0; i < 200 && decoder.prefixReuse().entries() == 0; i++) {
                Thread.sleep(10);
            }
            assertEquals(1, decoder.prefixReuse().entries(), "the cancelled generation's caches were kept");
            GenerationRequest again = greedy(concat(prompt, prompt(32, 4)), dyspec, 20);
            Outcome o = run(engine, again);
            assertTrue(o.reused() >= prompt.length - 1, "reused " + o.reused());
            var alone = referenceResult(backend, again);
            assertArrayEquals(alone.tokens(), o.tokens());
            assertEquals(alone.stats().targetForwards(), o.steps());
            assertTrue(engine.shutdown(Duration.ofSeconds(5)));
        }
    }

    /** With one slot and no spare, the finished generation's slot itself is handed to the prompt extending it. */
    @Test
    void withNoFreeSlotTheCachedSequenceIsTakenOverInPlace() throws Exception {
        try (SpeculativeDecoder decoder = decoder(DEFAULT_BACKEND)) {
            TreeStrategy chain = BuiltinStrategies.byName("chain");
            InferenceEngine engine = engine(decoder, 1, 0, true);
            int[] a = prompt(21, 30);
            int[] b = concat(IntStream.range(0, 20).map(i -> a[i]).toArray(), prompt(22, 10));
            Outcome first = run(engine, greedy(a, chain, 16));
            Outcome second = run(engine, greedy(b, chain, 16));
            assertEquals(20, second.reused(), "the shared 20 tokens, not the rest of the cached prompt");
            assertArrayEquals(reference(DEFAULT_BACKEND, greedy(b, chain, 16)), second.tokens());
            Outcome third = run(engine, greedy(a, chain, 16));
            assertEquals(20, third.reused(), "the first prompt's own entry was taken over and cut back to 20");
            assertArrayEquals(first.tokens(), third.tokens());
            assertTrue(engine.shutdown(Duration.ofSeconds(5)));
        }
    }

    @Test
    void reuseSwitchedOffPrefillsEveryPrompt() throws Exception {
        try (SpeculativeDecoder decoder = decoder(DEFAULT_BACKEND)) {
            InferenceEngine engine = engine(decoder, 2, 0, false);
            int[] prompt = prompt(5, 30);
            TreeStrategy chain = BuiltinStrategies.byName("chain");
            run(engine, greedy(prompt, chain, 10));
            assertEquals(0, run(engine, greedy(prompt, chain, 10)).reused());
            assertEquals(0, decoder.prefixReuse().hits());
            assertEquals(0, decoder.prefixReuse().entries());
            assertTrue(engine.shutdown(Duration.ofSeconds(5)));
        }
    }

    /** Prompt log-probabilities need the prompt's rows scored, so such a prompt is prefilled whole. */
    @Test
    void aPromptWhoseLogprobsAreAskedForIsPrefilledWhole() throws Exception {
        try (SpeculativeDecoder decoder = decoder(DEFAULT_BACKEND)) {
            InferenceEngine engine = engine(decoder, 2, 0, true);
            int[] prompt = prompt(6, 30);
            TreeStrategy chain = BuiltinStrategies.byName("chain");
            run(engine, greedy(prompt, chain, 10));
            GenerationRequest scored = new GenerationRequest(prompt, 10, SamplingParams.greedy(), chain,
                    StrategyOptions.defaults().withBudget(8), List.of(), null, new LogprobsRequest(false, true, 0));
            Outcome o = run(engine, scored);
            assertEquals(0, o.reused());
            assertEquals(prompt.length - 1, o.promptLogprobs());
            assertTrue(engine.shutdown(Duration.ofSeconds(5)));
        }
    }
}
