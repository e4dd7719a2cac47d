package dev.dyspec.core.decode;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dyspec.api.SamplingParams;
import dev.dyspec.api.StrategyOptions;
import dev.dyspec.api.TreeStrategy;
import dev.dyspec.core.checkpoint.ModelConfig;
import dev.dyspec.core.engine.GenerationListener;
import dev.dyspec.core.engine.InferenceEngine;
import dev.dyspec.core.model.LanguageModel;
import dev.dyspec.core.testing.TestModels;
import dev.dyspec.api.TreeCost;
import dev.dyspec.strategies.AcceptanceModel;
import dev.dyspec.strategies.BuiltinStrategies;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * End to end: the joint distribution of the first three generated tokens under each strategy equals
 * the target's own, computed exactly by enumeration. Chi-square goodness of fit at α = 0.001 with
 * fixed seeds (so the test is deterministic).
 */
class SamplingLosslessTest {

    private static final int SAMPLES = 2000;
    private static final int LENGTH = 3;

    @ParameterizedTest(name = "T={0} top_p={1}")
    @CsvSource({"1.0, 1.0", "0.7, 0.9"})
    void firstThreeTokensFollowTheTargetDistribution(double temperature, double topP) {
        TestModels.Pair pair = TestModels.smallPair();
        ModelConfig config = pair.config();
        LanguageModel target = pair.target();
        LanguageModel draft = pair.draft();
        try (SpeculativeDecoder decoder = new SpeculativeDecoder(target, draft, 64)) {
            // The calibrated strategies learn online from every verification, and the DySpec ones grow
            // adaptively: values change between generations but are fixed before each draw.
            AcceptanceModel model = new AcceptanceModel();
            decoder.addObserver(model);
            TreeCost cost = n -> 1.0 + 0.1 * n;
            Map<String, Double> exact = new HashMap<>();
            enumerate(target, new SamplingParams(temperature, topP, 0), new int[] {config.bosTokenId()}, 1.0, exact);
            for (TreeStrategy strategy : BuiltinStrategies.all(model, cost)) {
                Map<String, Integer> observed = new HashMap<>();
                for (int seed = 0; seed < SAMPLES; seed++) {
                    SamplingParams params = new SamplingParams(temperature, topP, 1000L * seed + 17);
                    StrategyOptions options = StrategyOptions.defaults().withBudget(8).withThreshold(0.02)
                            .withTreeShape(new int[] {3, 2, 1}).withAdaptiveSize(seed % 2 == 0);
                    GenerationResult r = decoder.generate(new GenerationRequest(new int[] {config.bosTokenId()},
                            LENGTH, params, strategy, options, List.of()));
                    observed.merge(key(r.tokens(), r.finishReason()), 1, Integer::sum);
                }
                double[] test = chiSquare(exact, observed);
                assertTrue(test[0] <= test[1], strategy.name() + ": chi-square " + test[0] + " above critical "
                        + test[1] + " (df " + (int) test[2] + ")");
            }
        }
    }

    /**
     * Proposals from the context are point masses beside the draft's draws: after a prompt that repeats
     * itself (so the current suffix always has continuations), the first tokens of the n-gram strategies
     * still follow the target, while the hybrid learns and uses its context acceptance online.
     */
    @ParameterizedTest(name = "T={0} top_p={1}")
    @CsvSource({"1.0, 1.0", "0.7, 0.9"})
    void withContextProposalsTheFirstTokensFollowTheTargetDistribution(double temperature, double topP) {
        TestModels.Pair pair = TestModels.smallPair();
        ModelConfig config = pair.config();
        LanguageModel target = pair.target();
        LanguageModel draft = pair.draft();
        int[] prompt = {config.bosTokenId(), 3, 4, 3, 4, 3};
        try (SpeculativeDecoder decoder = new SpeculativeDecoder(target, draft, 64)) {
            AcceptanceModel model = new AcceptanceModel();
            decoder.addObserver(model);
            TreeCost cost = n -> 1.0 + 0.1 * n;
            Map<String, Double> exact = new HashMap<>();
            enumerate(target, new SamplingParams(temperature, topP, 0), LogitAdjustment.NONE, prompt, prompt.length, 1.0,
                    exact);
            List<TreeStrategy> all = BuiltinStrategies.all(model, cost);
            for (String name : List.of("dyspec-ngram", "ngram-tree")) {
                Map<String, Integer> observed = new HashMap<>();
                for (int seed = 0; seed < SAMPLES; seed++) {
                    SamplingParams params = new SamplingParams(temperature, topP, 1000L * seed + 41);
                    StrategyOptions options = StrategyOptions.defaults().withBudget(8).withAdaptiveSize(seed % 2 == 0);
                    GenerationResult r = decoder.generate(new GenerationRequest(prompt, LENGTH, params,
                            BuiltinStrategies.byName(all, name), options, List.of()));
                    observed.merge(key(r.tokens(), r.finishReason()), 1, Integer::sum);
                }
                double[] test = chiSquare(exact, observed);
                assertTrue(test[0] <= test[1], name + " with context proposals: chi-square " + test[0]
                        + " above critical " + test[1] + " (df " + (int) test[2] + ")");
            }
            long examined = java.util.Arrays.stream(model.contextCounts(AcceptanceModel.Band.of(
                    new SamplingParams(temperature, topP, 0)))).mapToLong(c -> c[1]).sum();
            // the check had material: half the runs size their trees adaptively and skip proposals that do not pay
            assertTrue(examined > SAMPLES / 2, "context proposals were verified " + examined + " times");
        }
    }

    /**
     * The same check for generations that share every target forward with others: requests of two
     * strategies (one with a draft, one without) interleaved in one engine, eight at a time.
     */
    @Test
    void batchedWithOtherRequestsTheFirstTokensStillFollowTheTargetDistribution() throws Exception {
        TestModels.Pair pair = TestModels.smallPair();
        ModelConfig config = pair.config();
        LanguageModel target = pair.target();
        LanguageModel draft = pair.draft();
        try (SpeculativeDecoder decoder = new SpeculativeDecoder(target, draft, 64)) {
            SamplingParams base = new SamplingParams(1.0, 1.0, 0);
            Map<String, Double> exact = new HashMap<>();
            enumerate(target, base, new int[] {config.bosTokenId()}, 1.0, exact);
            List<TreeStrategy> strategies = List.of(BuiltinStrategies.byName("dyspec"), BuiltinStrategies.byName("ngram-tree"));
            InferenceEngine engine = new InferenceEngine(decoder, new InferenceEngine.Limits(8, strategies.size() * SAMPLES));
            List<List<java.util.concurrent.CompletableFuture<String>>> outcomes = new ArrayList<>();
            strategies.forEach(x -> outcomes.add(new ArrayList<>()));
            for (int seed = 0; seed < SAMPLES; seed++) {
                for (int k = 0; k < strategies.size(); k++) {
                    java.util.concurrent.CompletableFuture<String> outcome = new java.util.concurrent.CompletableFuture<>();
                    engine.submit(new GenerationRequest(new int[] {config.bosTokenId()}, LENGTH,
                            new SamplingParams(1.0, 1.0, 1000L * seed + 17 + k), strategies.get(k),
                            StrategyOptions.defaults().withBudget(8), List.of()), new GenerationListener() {
                                @Override
                                public void onStep(StepResult step) {
                                }

                                @Override
                                public void onComplete(GenerationSession session) {
                                    outcome.complete(key(session.generatedTokens(), session.finishReason()));
                                }

                                @Override
                                public void onError(Throwable error) {
                                    outcome.completeExceptionally(error);
                                }
                            });
                    outcomes.get(k).add(outcome);
                }
            }
            for (int k = 0; k < strategies.size(); k++) {
                Map<String, Integer> observed = new HashMap<>();
                for (var o : outcomes.get(k)) {
                    observed.merge(o.get(120, java.util.concurrent.TimeUnit.SECONDS), 1, Integer::sum);
                }
                double[] test = chiSquare(exact, observed);
                assertTrue(test[0] <= test[1], strategies.get(k).name() + " batched: chi-square " + test[0]
                        + " above critical " + test[1] + " (df " + (int) test[2] + ")");
            }
            engine.shutdown(java.time.Duration.ofSeconds(5));
        }
    }

    /**
     * logit_bias and penalties shape the distribution speculation must reproduce: the first tokens of a
     * biased, penalised request follow the adjusted target, for strategies with and without a draft.
     */
    @Test
    void withLogitBiasAndPenaltiesTheFirstTokensFollowTheAdjustedTarget() {
        TestModels.Pair pair = TestModels.smallPair();
        ModelConfig config = pair.config();
        LanguageModel target = pair.target();
        LanguageModel draft = pair.draft();
        LogitAdjustment adjustment = new LogitAdjustment(Map.of(3, 2.5f, 4, -1.5f, 5, 1.0f), 0.9, 0.6);
        try (SpeculativeDecoder decoder = new SpeculativeDecoder(target, draft, 64)) {
            SamplingParams base = new SamplingParams(0.9, 0.95, 0);
            Map<String, Double> exact = new HashMap<>();
            enumerate(target, base, adjustment, new int[] {config.bosTokenId()}, 1.0, exact);
            for (String name : List.of("dyspec", "chain", "ngram-tree")) {
                Map<String, Integer> observed = new HashMap<>();
                for (int seed = 0; seed < SAMPLES; seed++) {
                    GenerationResult r = decoder.generate(new GenerationRequest(new int[] {config.bosTokenId()}, LENGTH,
                            new SamplingParams(0.9, 0.95, 1000L * seed + 29), BuiltinStrategies.byName(name),
                            StrategyOptions.defaults().withBudget(8), List.of(), adjustment, LogprobsRequest.NONE));
                    observed.merge(key(r.tokens(), r.finishReason()), 1, Integer::sum);
                }
                double[] test = chiSquare(exact, observed);
                assertTrue(test[0] <= test[1], name + " adjusted: chi-square " + test[0] + " above critical "
                        + test[1] + " (df " + (int) test[2] + ")");
            }
        }
    }

    private static void enumerate(LanguageModel target, SamplingParams params, int[] sequence, double prob,
                                  Map<String, Double> out) {
        enumerate(target, params, LogitAdjustment.NONE, sequence, 1, prob, out);
    }

    private static void enumerate(LanguageModel target, SamplingParams params, LogitAdjustment adjustment,
                                  int[] sequence, double prob, Map<String, Double> out) {
        enumerate(target, params, adjustment, sequence, 1, prob, out);
    }

    /**
     * Exact probabilities of every outcome: up to three tokens, ended by a stop token or the length.
     * The adjustment is applied naively: bias, then penalties from the tokens after the start token.
     */
    private static void enumerate(LanguageModel target, SamplingParams params, LogitAdjustment adjustment,
                                  int[] sequence, int promptLength, double prob, Map<String, Double> out) {
        float[] logits = AdjustedLogitsTest.adjustedLogits(target, sequence, promptLength, adjustment);
        float[] p = Distributions.of(logits, params);
        int generated = sequence.length - promptLength;
        for (int t = 0; t < p.length; t++) {
            if (p[t] == 0) {
                continue;
            }
            double q = prob * p[t];
            int[] body = Arrays.copyOfRange(sequence, promptLength, sequence.length);
            if (t == target.eosId() || t == target.bosId()) {
                out.merge(key(body, "stop"), q, Double::sum);
            } else if (generated + 1 == LENGTH) {
                int[] done = Arrays.copyOf(body, body.length + 1);
                done[body.length] = t;
                out.merge(key(done, "length"), q, Double::sum);
            } else {
                int[] next = Arrays.copyOf(sequence, sequence.length + 1);
                next[sequence.length] = t;
                enumerate(target, params, adjustment, next, promptLength, q, out);
            }
        }
    }

    private static String key(int[] tokens, String finish) {
        return Arrays.toString(tokens) + finish;
    }

    /** {statistic, critical value at α = 0.001, degrees of freedom}; cells expecting fewer than 5 are pooled. */
    private static double[] chiSquare(Map<String, Double> exact, Map<String, Integer> observed) {
        for (String k : observed.keySet()) {
            assertTrue(exact.containsKey(k), "outcome " + k + " has probability zero under the target");
        }
        double stat = 0;
        int cells = 0;
        double pooledExpected = 0;
        double pooledObserved = 0;
        List<String> keys = new ArrayList<>(exact.keySet());
        for (String k : keys) {
            double expected = exact.get(k) * SAMPLES;
            int obs = observed.getOrDefault(k, 0);
            if (expected < 5) {
                pooledExpected += expected;
                pooledObserved += obs;
            } else {
                stat += (obs - expected) * (obs - expected) / expected;
                cells++;
            }
        }
        if (pooledExpected > 0) {
            stat += (pooledObserved - pooledExpected) * (pooledObserved - pooledExpected) / Math.max(pooledExpected, 1e-9);
            cells++;
        }
        int df = Math.max(1, cells - 1);
        double z = 3.090; // one-sided normal quantile for α = 0.001
        double h = 2.0 / (9 * df);
        double critical = df * Math.pow(1 - h + z * Math.sqrt(h), 3); // Wilson–Hilferty
        return new double[] {stat, critical, df};
    }
}
