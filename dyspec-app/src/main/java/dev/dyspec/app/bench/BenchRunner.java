package dev.dyspec.app.bench;

import dev.dyspec.api.GenerationStats;
import dev.dyspec.api.SamplingParams;
import dev.dyspec.api.StrategyOptions;
import dev.dyspec.api.TreeStrategy;
import dev.dyspec.core.decode.GenerationRequest;
import dev.dyspec.core.decode.GenerationSession;
import dev.dyspec.core.decode.SpeculativeDecoder;
import dev.dyspec.core.decode.StepResult;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntConsumer;

/**
 * Runs every (strategy, budget, temperature) cell over a prompt set. Cells are shuffled afresh in
 * every repeat, so machine drift hits every cell alike, and each cell's speedup is computed against
 * target-only's tokens/s from the same repeat.
 */
public final class BenchRunner {

    /**
     * One strategy as the bench runs it; {@code label} names it in reports (e.g. "dyspec+adaptive",
     * "dyspec@1.0" for a draft temperature of 1.0).
     *
     * @param draftTemperature NaN: the strategy's default
     */
    public record Arm(String label, TreeStrategy strategy, boolean adaptiveSize, double draftTemperature) {

        public Arm(String label, TreeStrategy strategy, boolean adaptiveSize) {
            this(label, strategy, adaptiveSize, Double.NaN);
        }

        public static Arm of(TreeStrategy strategy) {
            return new Arm(strategy.name(), strategy, false);
        }

        /** Target-only: one cell per temperature, the speedups' denominator. Every other strategy runs each budget. */
        public boolean isBaseline() {
            return strategy.name().equals(dev.dyspec.strategies.TargetOnlyStrategy.NAME);
        }
    }

    /**
     * What to run.
     *
     * @param warmupPrompts how many of the prompts every cell generates once, untimed and unrecorded, before
     *                      the first repeat: without it the first cells run on code the JIT has not compiled yet,
     *                      which shows as time outside the forwards (dyspec-ngram + adaptive: 12.3% with one cold
     *                      repeat against 7.5% over four)
     * @param warmupSeconds how long the warm-up lasts at least: after those prompts it goes on through the cells, a
     *                      prompt each, until then. On 2 cores C2 finishes the step's vector code ≈ 7.5 s into
     *                      the JVM; a small bench's two prompts per cell were done well before, and its first cells
     *                      measured the vector API's Java fallbacks as time outside the forwards
     */
    public record Plan(List<Arm> strategies, List<Integer> budgets, List<Double> temperatures,
                       List<BenchPrompt> prompts, int maxTokens, int repeats, long seed, int warmupPrompts,
                       double warmupSeconds) {

        public Plan(List<Arm> strategies, List<Integer> budgets, List<Double> temperatures, List<BenchPrompt> prompts,
                    int maxTokens, int repeats, long seed) {
            this(strategies, budgets, temperatures, prompts, maxTokens, repeats, seed, 0, 0);
        }

        public Plan {
            if (warmupPrompts < 0) {
                throw new IllegalArgumentException("the warm-up prompt count must be 0 or more");
            }
            if (!(warmupSeconds >= 0)) {
                throw new IllegalArgumentException("the warm-up time must be 0 or more seconds");
            }
            if (strategies.stream().noneMatch(Arm::isBaseline)) {
                throw new IllegalArgumentException("the strategies must include target-only: speedups are measured against it");
            }
            if (repeats < 1 || maxTokens < 1 || budgets.isEmpty() || temperatures.isEmpty() || prompts.isEmpty()) {
                throw new IllegalArgumentException("repeats, max tokens, budgets, temperatures and prompts must be non-empty/positive");
            }
        }
    }

    private BenchRunner() {
    }

    /** Cells in plan order; target-only gets one cell per temperature (budget 0). */
    static List<BenchCell> cells(Plan plan) {
        List<BenchCell> cells = new ArrayList<>();
        for (double t : plan.temperatures()) {
            for (Arm s : plan.strategies()) {
                if (s.isBaseline()) {
                    cells.add(new BenchCell(s.label(), 0, t));
                } else {
                    for (int b : plan.budgets()) {
                        cells.add(new BenchCell(s.label(), b, t));
                    }
                }
            }
        }
        return cells;
    }

    /** The order cells run in, per repeat: a seeded shuffle. */
    static List<List<BenchCell>> schedule(List<BenchCell> cells, int repeats, long seed) {
        List<List<BenchCell>> order = new ArrayList<>();
        for (int r = 0; r < repeats; r++) {
            List<BenchCell> round = new ArrayList<>(cells);
            Collections.shuffle(round, new Random(seed + 7919L * r));
            order.add(round);
        }
        return order;
    }

    /** Runs the plan; {@code progress} receives the number of generations done. */
    public static List<CellSummary> run(SpeculativeDecoder decoder, Plan plan, IntConsumer progress) {
        Map<String, Arm> byName = new LinkedHashMap<>();
        plan.strategies().forEach(s -> byName.put(s.label(), s));
        List<BenchCell> cells = cells(plan);
        List<int[]> prompts = plan.prompts().stream().map(p -> decoder.encodePrompt(p.prompt())).toList();
        long warmupEnd = System.nanoTime() + (long) (plan.warmupSeconds() * 1e9);
        for (BenchCell cell : cells) {
            for (int p = 0; p < Math.min(plan.warmupPrompts(), prompts.size()); p++) {
                warmUp(decoder, byName.get(cell.strategy), cell, prompts.get(p), plan, plan.seed() - 1 - p);
            }
        }
        for (int p = plan.warmupPrompts(); System.nanoTime() < warmupEnd; p++) {
            for (int c = 0; c < cells.size() && System.nanoTime() < warmupEnd; c++) {
                BenchCell cell = cells.get(c);
                warmUp(decoder, byName.get(cell.strategy), cell, prompts.get(p % prompts.size()), plan, plan.seed() - 1 - p);
            }
        }
        int done = 0;
        for (List<BenchCell> round : schedule(cells, plan.repeats(), plan.seed())) {
            for (BenchCell cell : round) {
                long tokens = 0;
                long nanos = 0;
                for (int p = 0; p < prompts.size(); p++) {
                    long seed = plan.seed() + 1000L * cell.repeatTokens.size() + p;
                    long start = System.nanoTime();
                    GenerationStats stats = runOne(decoder, byName.get(cell.strategy), cell, prompts.get(p), plan, seed);
                    nanos += System.nanoTime() - start;
                    tokens += stats.emittedTokens();
                    progress.accept(++done);
                }
                cell.repeatTokens.add(tokens);
                cell.repeatNanos.add(nanos);
            }
        }
        return summarise(cells);
    }

    /** A generation of the cell's setting, untimed and unrecorded. */
    private static void warmUp(SpeculativeDecoder decoder, Arm arm, BenchCell cell, int[] prompt, Plan plan, long seed) {
        runOne(decoder, arm, new BenchCell(cell.strategy, cell.budget, cell.temperature), prompt, plan, seed);
    }

    private static GenerationStats runOne(SpeculativeDecoder decoder, Arm arm, BenchCell cell, int[] prompt,
                                          Plan plan, long seed) {
        TreeStrategy strategy = arm.strategy();
        StrategyOptions options = StrategyOptions.defaults().withBudget(Math.max(1, cell.budget))
                .withAdaptiveSize(arm.adaptiveSize()).withDraftTemperature(arm.draftTemperature());
        GenerationRequest request = new GenerationRequest(prompt, plan.maxTokens(),
                new SamplingParams(cell.temperature, 1.0, seed), strategy, options, List.of());
        try (GenerationSession session = decoder.start(request)) {
            while (!session.finished()) {
                StepResult step = session.step();
                if (strategy.usesDraft()) {
                    cell.calibration.add(new double[] {step.estimatedAccepted(), step.accepted()});
                }
                cell.treeNodes += step.treeSize();
                cell.steps++;
            }
            GenerationStats s = session.stats();
            cell.tau.add(s.meanAcceptanceLength());
            cell.tokens += s.emittedTokens();
            cell.targetForwards += s.targetForwards();
            cell.draftForwards += s.draftForwards();
            cell.draftNanos += s.draftNanos();
            cell.targetNanos += s.targetNanos();
            cell.otherNanos += s.otherNanos();
            cell.acceptedByDepth = BenchCell.add(cell.acceptedByDepth, s.acceptedByDepth());
            cell.draftedByDepth = BenchCell.add(cell.draftedByDepth, s.draftedByDepth());
            return s;
        }
    }

    static List<CellSummary> summarise(List<BenchCell> cells) {
        List<CellSummary> out = new ArrayList<>();
        for (BenchCell c : cells) {
            BenchCell base = cells.stream().filter(b -> b.budget == 0 && b.temperature == c.temperature).findFirst()
                    .orElseThrow();
            List<Double> tps = new ArrayList<>();
            List<Double> speedups = new ArrayList<>();
            for (int r = 0; r < c.repeatTokens.size(); r++) {
                tps.add(c.tokensPerSecond(r));
                speedups.add(c.tokensPerSecond(r) / base.tokensPerSecond(r));
            }
            double[] tau = BenchStatistics.meanInterval(c.tau);
            double[] t = BenchStatistics.medianInterval(tps);
            double[] sp = BenchStatistics.medianInterval(speedups);
            double[] byDepth = new double[c.draftedByDepth.length];
            for (int d = 0; d < byDepth.length; d++) {
                byDepth[d] = c.draftedByDepth[d] == 0 ? 0 : (double) c.acceptedByDepth[d] / c.draftedByDepth[d];
            }
            long total = c.draftNanos + c.targetNanos + c.otherNanos;
            out.add(new CellSummary(c.strategy, c.budget, c.temperature, tau[0], tau[1], tau[2], t[0], t[1], t[2],
                    sp[0], sp[1], sp[2], (double) c.draftForwards / Math.max(1, c.tokens),
                    (double) c.targetForwards / Math.max(1, c.tokens), total == 0 ? 0 : (double) c.otherNanos / total,
                    c.steps == 0 ? 0 : (double) c.treeNodes / c.steps, byDepth, calibrationBins(c.calibration),
                    c.tau.size(), c.tokens));
        }
        return out;
    }

    /** Steps binned by the tree's estimate in unit-wide bins: {mean estimate, mean realised, count}. */
    static List<double[]> calibrationBins(List<double[]> steps) {
        Map<Integer, double[]> bins = new java.util.TreeMap<>();
        for (double[] s : steps) {
            double[] b = bins.computeIfAbsent((int) Math.floor(s[0]), k -> new double[3]);
            b[0] += s[0];
            b[1] += s[1];
            b[2]++;
        }
        List<double[]> out = new ArrayList<>();
        for (double[] b : bins.values()) {
            out.add(new double[] {b[0] / b[2], b[1] / b[2], b[2]});
        }
        return out;
    }
}
