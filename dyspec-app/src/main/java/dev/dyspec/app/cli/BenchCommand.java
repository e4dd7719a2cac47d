package dev.dyspec.app.cli;

import dev.dyspec.api.TreeStrategy;
import dev.dyspec.app.bench.BenchPlots;
import dev.dyspec.app.bench.BenchPrompt;
import dev.dyspec.app.bench.BenchReport;
import dev.dyspec.app.bench.BenchRunner;
import dev.dyspec.app.bench.CellSummary;
import dev.dyspec.core.decode.SpeculativeDecoder;
import dev.dyspec.core.model.DeviceSelector;
import dev.dyspec.core.model.ModelLoader;
import dev.dyspec.api.TreeCost;
import dev.dyspec.core.model.MeasuredTreeCost;
import dev.dyspec.strategies.AcceptanceModel;
import dev.dyspec.strategies.BuiltinStrategies;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code ./dyspec bench}: every strategy side by side over budgets and temperatures, with
 * results.json, results.csv, summary.md and PNG plots under {@code --out}.
 */
public final class BenchCommand {

    static final Set<String> VALUED = Set.of("target", "draft", "strategies", "budgets", "temperatures", "prompts",
            "max-tokens", "repeats", "out", "device", "seed", "prompt-limit");
    static final Set<String> FLAGS = Set.of("json", "quick");
    /** The paper's strategies next to ours: the calibrated ones, with and without adaptive size. */
    static final String DEFAULT_STRATEGIES = "target-only,chain,fixed-tree,dyspec,dyspec-threshold,dyspec-calibrated,"
            + "dyspec-calibrated+adaptive";

    private final PrintStream out;
    private final PrintStream err;

    public BenchCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public int run(String[] args) throws IOException {
        CliArgs a = CliArgs.parse(args, 1, VALUED, FLAGS);
        boolean quick = a.has("quick");
        Path target = ModelPaths.resolve(a.get("target", null), ModelPaths.defaultTarget(), "target");
        Path draft = ModelPaths.resolve(a.get("draft", null), ModelPaths.defaultDraft(), "draft");
        // "name+adaptive" runs a DySpec strategy with the hardware-aware size rule
        List<String> names = new ArrayList<>();
        for (String name : a.get("strategies", DEFAULT_STRATEGIES).split(",")) {
            String base = name.trim().replace("+adaptive", "");
            try {
                BuiltinStrategies.byName(base);
            } catch (IllegalArgumentException e) {
                throw new CliException(e.getMessage());
            }
            names.add(name.trim());
        }
        if (!names.contains("target-only")) {
            names.add(0, "target-only");
        }
        List<Integer> budgets = a.getIntList("budgets", quick ? List.of(4, 16) : List.of(4, 8, 16, 32));
        List<Double> temperatures = new ArrayList<>();
        for (String t : a.get("temperatures", quick ? "0,1" : "0,0.6,1").split(",")) {
            try {
                temperatures.add(Double.parseDouble(t.trim()));
            } catch (NumberFormatException e) {
                throw new CliException("--temperatures must be a comma-separated list of numbers, got '" + t + "'");
            }
        }
        List<BenchPrompt> prompts = a.has("prompts") ? BenchPrompt.read(Path.of(a.get("prompts", null))) : BenchPrompt.shipped();
        int limit = a.getInt("prompt-limit", quick ? 4 : prompts.size());
        prompts = prompts.subList(0, Math.min(limit, prompts.size()));
        int maxTokens = a.getInt("max-tokens", quick ? 48 : 128);
        int repeats = a.getInt("repeats", quick ? 2 : 3);
        long seed = a.getLong("seed", 1);
        Path outDir = Path.of(a.get("out", "bench-out"));
        int maxBudget = Math.max(64, budgets.stream().mapToInt(Integer::intValue).max().orElse(16));
        ModelLoader loader = new ModelLoader(DeviceSelector.select(a.get("device", "cpu")), maxBudget + 2);
        try (SpeculativeDecoder decoder = new SpeculativeDecoder(loader.load(target), loader.load(draft), maxBudget)) {
            AcceptanceModel acceptance = new AcceptanceModel();
            decoder.addObserver(acceptance);
            TreeCost cost = names.stream().anyMatch(n -> n.endsWith("+adaptive"))
                    ? MeasuredTreeCost.measure(decoder.target().lm(), decoder.draft().orElseThrow().lm(), maxBudget) : null;
            List<TreeStrategy> all = BuiltinStrategies.all(acceptance, cost);
            List<BenchRunner.Arm> arms = names.stream().map(n -> new BenchRunner.Arm(n,
                    BuiltinStrategies.byName(all, n.replace("+adaptive", "")), n.endsWith("+adaptive"))).toList();
            BenchRunner.Plan plan;
            try {
                plan = new BenchRunner.Plan(arms, budgets, temperatures, prompts, maxTokens, repeats, seed);
            } catch (IllegalArgumentException e) {
                throw new CliException(e.getMessage());
            }
            int cells = 0;
            for (BenchRunner.Arm s : arms) {
                cells += s.strategy().usesDraft() ? budgets.size() : 1;
            }
            int total = cells * temperatures.size() * prompts.size() * repeats;
            ProgressBar bar = new ProgressBar(err, total);
            List<CellSummary> results = BenchRunner.run(decoder, plan, bar::update);
            bar.finish();
            Map<String, Object> setup = new LinkedHashMap<>();
            setup.put("target", target.toString());
            setup.put("draft", draft.toString());
            setup.put("prompts", prompts.size());
            setup.put("maxTokens", maxTokens);
            setup.put("repeats", repeats);
            setup.put("cpus", Runtime.getRuntime().availableProcessors());
            setup.put("device", decoder.target().lm().device().toString());
            BenchReport.write(outDir, setup, results);
            BenchPlots.write(outDir, results, acceptance);
            if (a.has("json")) {
                out.println(JsonMapper.builder().build().writeValueAsString(BenchReport.summaryObject(setup, results)));
            } else {
                out.print(BenchReport.markdown(setup, results));
                out.println("\nwrote " + outDir.toAbsolutePath());
            }
        }
        return 0;
    }
}
