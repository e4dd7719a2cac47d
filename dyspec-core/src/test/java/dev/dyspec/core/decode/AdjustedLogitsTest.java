package dev.dyspec.core.decode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dyspec.api.SamplingParams;
import dev.dyspec.api.StrategyOptions;
import dev.dyspec.api.TreeStrategy;
import dev.dyspec.core.checkpoint.ModelConfig;
import dev.dyspec.core.model.KvCache;
import dev.dyspec.core.model.LanguageModel;
import dev.dyspec.core.testing.RandomModels;
import dev.dyspec.core.testing.TestModels;
import dev.dyspec.strategies.AcceptanceModel;
import dev.dyspec.strategies.BuiltinStrategies;
import dev.dyspec.strategies.TargetOnlyStrategy;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * logit_bias and penalties change the distribution both models are drawn from; speculation must still
 * reproduce the adjusted target exactly. Reported log-probabilities must be the target's own. Every
 * expectation here comes from a naive loop over full-sequence forwards, not from the session's code.
 */
class AdjustedLogitsTest {

    private static final int MAX_BUDGET = 32;

    private static ModelConfig config() {
        return RandomModels.config(32, 64, 2, 4, 2, 64, 160, true);
    }

    /** The target's logits after {@code sequence}, adjusted by counting the tokens after the prompt. */
    static float[] adjustedLogits(LanguageModel target, int[] sequence, int promptLength, LogitAdjustment a) {
        float[] logits = lastRow(target, sequence);
        a.bias().forEach((t, b) -> logits[t] += b);
        Map<Integer, Long> counts = Arrays.stream(sequence, promptLength, sequence.length).boxed()
                .collect(java.util.stream.Collectors.groupingBy(t -> t, java.util.stream.Collectors.counting()));
        counts.forEach((t, c) -> logits[t] -= (float) (a.frequencyPenalty() * c + a.presencePenalty()));
        return logits;
    }

    static float[] lastRow(LanguageModel target, int[] sequence) {
        try (KvCache cache = target.lm().newCache(sequence.length + 1)) {
            float[][] rows = target.lm().forwardChain(cache, sequence, true);
            return rows[rows.length - 1];
        }
    }

    private static SpeculativeDecoder randomPair() {
        ModelConfig config = config();
        return new SpeculativeDecoder(TestModels.random(config, 5, MAX_BUDGET + 2),
                TestModels.perturbed(config, 5, 0.4, MAX_BUDGET + 2), MAX_BUDGET);
    }

    private static int[] naiveGreedy(LanguageModel target, int[] prompt, int length, LogitAdjustment a) {
        int[] seq = prompt.clone();
        for (int i = 0; i < length; i++) {
            int next = Distributions.argmax(adjustedLogits(target, seq, prompt.length, a));
            if (next == target.eosId() || next == target.bosId()) {
                break;
            }
            seq = Arrays.copyOf(seq, seq.length + 1);
            seq[seq.length - 1] = next;
        }
        return Arrays.copyOfRange(seq, prompt.length, seq.length);
    }

    @Test
    void greedyWithBiasAndPenaltiesEqualsTheNaiveAdjustedGreedyForEveryStrategy() {
        try (SpeculativeDecoder decoder = randomPair()) {
            LanguageModel target = decoder.target();
            int[] prompt = {1, 9, 17, 33, 9};
            int[] plain = naiveGreedy(target, prompt, 40, LogitAdjustment.NONE);
            // ban the plain output's first token, favour another, and punish repeats hard
            LogitAdjustment a = new LogitAdjustment(Map.of(plain[0], -100f, 7, 3f), 1.5, 0.7);
            int[] expected = naiveGreedy(target, prompt, 40, a);
            assertNotEquals(plain[0], expected[0], "the bias changes the output");
            for (TreeStrategy strategy : BuiltinStrategies.all(new AcceptanceModel(), n -> 1.0 + 0.05 * n)) {
                GenerationResult r = decoder.generate(new GenerationRequest(prompt, 40, SamplingParams.greedy(), strategy,
                        StrategyOptions.defaults().withBudget(8), List.of(), a, LogprobsRequest.NONE));
                assertArrayEquals(expected, r.tokens(), strategy.name());
            }
        }
    }

    /** Past the session's first output buffer (64 tokens) nothing is lost or repeated, with penalties counting it all. */
    @Test
    void aLongOutputEqualsTheNaiveGreedyPastTheFirstBuffer() {
        try (SpeculativeDecoder decoder = randomPair()) {
            LanguageModel target = decoder.target();
            int[] prompt = {1, 9};
            LogitAdjustment a = new LogitAdjustment(Map.of(), 0.3, 0.2);
            int[] expected = naiveGreedy(target, prompt, 150, a);
            org.junit.jupiter.api.Assertions.assertTrue(expected.length > 64, "output of " + expected.length + " tokens");
            for (String name : new String[] {"target-only", "dyspec-ngram"}) {
                GenerationResult r = decoder.generate(new GenerationRequest(prompt, 150, SamplingParams.greedy(),
                        BuiltinStrategies.byName(name), StrategyOptions.defaults().withBudget(8), List.of(), a,
                        LogprobsRequest.NONE));
                assertArrayEquals(expected, r.tokens(), name);
            }
        }
    }

    @Test
    void logprobsAreTheTargetsOwnLogSoftmaxAtEveryEmittedTokenAndPromptToken() {
        try (SpeculativeDecoder decoder = randomPair()) {
            LanguageModel target = decoder.target();
            int[] prompt = {1, 9, 17, 33, 9};
            LogitAdjustment a = new LogitAdjustment(Map.of(7, 2f), 0.5, 0.5);
            GenerationSession session = decoder.start(new GenerationRequest(prompt, 12, new SamplingParams(0.8, 1, 3),
                    BuiltinStrategies.byName("dyspec"), StrategyOptions.defaults().withBudget(8), List.of(), a,
                    new LogprobsRequest(true, true, 5)));
            int steps = 0;
            while (!session.finished()) {
                StepResult step = session.step();
                assertEquals(step.tokens().length, step.logprobs().size());
                steps++;
            }
            int[] out = session.generatedTokens();
            List<TokenLogprob> lps = session.logprobs();
            assertEquals(out.length, lps.size());
            assertTrue(steps < out.length + 1);
            int[] seq = prompt.clone();
            for (int i = 0; i < out.length; i++) {
                double[] expected = logSoftmax(lastRow(target, seq));
                TokenLogprob lp = lps.get(i);
                assertEquals(out[i], lp.token());
                assertEquals(expected[out[i]], lp.logprob(), 1e-4, "token " + i);
                assertEquals(5, lp.topTokens().length);
                for (int k = 0; k < 5; k++) {
                    assertEquals(expected[lp.topTokens()[k]], lp.topLogprobs()[k], 1e-4);
                    if (k > 0) {
                        assertTrue(lp.topLogprobs()[k] <= lp.topLogprobs()[k - 1]);
                    }
                }
                assertEquals(Arrays.stream(expected).max().getAsDouble(), lp.topLogprobs()[0], 1e-4);
                seq = Arrays.copyOf(seq, seq.length + 1);
                seq[seq.length - 1] = out[i];
            }
            List<TokenLogprob> promptLps = session.promptLogprobs();
            assertEquals(prompt.length - 1, promptLps.size());
            for (int i = 1; i < prompt.length; i++) {
                double[] expected = logSoftmax(lastRow(target, Arrays.copyOf(prompt, i)));
                assertEquals(prompt[i], promptLps.get(i - 1).token());
                assertEquals(expected[prompt[i]], promptLps.get(i - 1).logprob(), 1e-4);
            }
            session.close();
        }
    }

    @Test
    void aPromptLongerThanOneScoringChunkGetsEveryTokensLogprob() {
        ModelConfig config = config();
        LanguageModel target = TestModels.random(config, 6, MAX_BUDGET + 2);
        try (SpeculativeDecoder decoder = new SpeculativeDecoder(target, null, MAX_BUDGET)) {
            int[] prompt = new java.util.Random(2).ints(150, 3, 64).toArray();
            prompt[0] = 1;
            GenerationSession session = decoder.start(new GenerationRequest(prompt, 2, SamplingParams.greedy(),
                    new TargetOnlyStrategy(), StrategyOptions.defaults(), List.of(), LogitAdjustment.NONE,
                    new LogprobsRequest(false, true, 0)));
            List<TokenLogprob> lps = session.promptLogprobs();
            assertEquals(149, lps.size());
            for (int i : new int[] {1, 64, 65, 130, 149}) {
                assertEquals(logSoftmax(lastRow(target, Arrays.copyOf(prompt, i)))[prompt[i]], lps.get(i - 1).logprob(), 1e-4);
            }
            int[] plain = naiveGreedy(target, prompt, 2, LogitAdjustment.NONE);
            while (!session.finished()) {
                session.step();
            }
            assertArrayEquals(plain, session.generatedTokens(), "scored prefill leaves the cache as a plain one");
            session.close();
        }
    }

    static double[] logSoftmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double sum = 0;
        for (float l : logits) {
            sum += Math.exp(l - max);
        }
        double[] out = new double[logits.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = logits[i] - max - Math.log(sum);
        }
        return out;
    }
}
