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
import dev.dyspec.core.model.LanguageModel;
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

    static final Set<String> VALUED = Set.of("backend", "target", "draft", "strategies", "budgets", "temperatures", "prompts",
            "max-tokens", "repeats", "out", "device", "seed", "prompt-limit", "warmup", "warmup-seconds");
    static final Set<String> FLAGS = Set.of("json", "quick", "by-category");
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
        // "name+adaptive" runs a DySpec strategy with the hardware-aware size rule; "name@T" at draft temperature T
        List<String> names = new ArrayList<>();
        for (String name : a.get("strategies", DEFAULT_STRATEGIES).split(",")) {
            String base = baseName(name.trim());
            draftTemperature(name.trim());
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
        int warmup = a.getInt("warmup", quick ? 1 : 2);
        if (warmup < 0) {
            throw new CliException("--warmup must be 0 or more prompts, got " + warmup);
        }
        double warmupSeconds = a.getDouble("warmup-seconds", quick ? 0 : 8);
        if (!(warmupSeconds >= 0)) {
            throw new CliException("--warmup-seconds must be 0 or more, got " + warmupSeconds);
        }
        Path outDir = Path.of(a.get("out", "bench-out"));
        int maxBudget = Math.max(64, budgets.stream().mapToInt(Integer::intValue).max().orElse(16));
        ai.djl.Device device = DeviceSelector.select(a.get("device", "cpu"));
        ModelLoader loader = new ModelLoader(device, maxBudget + 2, CliBackend.of(a, device));
        try (SpeculativeDecoder decoder = new SpeculativeDecoder(loader.load(target), loader.load(draft), maxBudget)) {
            AcceptanceModel acceptance = new AcceptanceModel();
            decoder.addObserver(acceptance);
            LanguageModel draftModel = decoder.draft().orElseThrow();
            MeasuredTreeCost cost = names.stream().anyMatch(n -> n.contains("+adaptive"))
                    ? MeasuredTreeCost.measure(decoder.target().lm(), draftModel.lm(), maxBudget)
                            .follow(decoder.target().lm(), draftModel.lm()) : null;
            String measuredCost = cost == null ? null : stepCost(cost);
            List<TreeStrategy> all = BuiltinStrategies.all(acceptance, cost);
            List<BenchRunner.Arm> arms = names.stream().map(n -> new BenchRunner.Arm(n,
                    BuiltinStrategies.byName(all, baseName(n)), n.contains("+adaptive"), draftTemperature(n))).toList();
            // with --by-category each prompt category is its own bench, in its own folder
            Map<String, List<BenchPrompt>> groups = new LinkedHashMap<>();
            if (a.has("by-category")) {
                prompts.forEach(p -> groups.computeIfAbsent(p.category(), k -> new ArrayList<>()).add(p));
            } else {
                groups.put("", prompts);
            }
            for (Map.Entry<String, List<BenchPrompt>> group : groups.entrySet()) {
                BenchRunner.Plan plan;
                try {
                    plan = new BenchRunner.Plan(arms, budgets, temperatures, group.getValue(), maxTokens, repeats, seed, warmup,
                            warmupSeconds);
                } catch (IllegalArgumentException e) {
                    throw new CliException(e.getMessage());
                }
                int cells = 0;
                for (BenchRunner.Arm s : arms) {
                    cells += s.isBaseline() ? 1 : budgets.size();
                }
                int total = cells * temperatures.size() * group.getValue().size() * repeats;
                ProgressBar bar = new ProgressBar(err, total);
                List<CellSummary> results = BenchRunner.run(decoder, plan, bar::update);
                bar.finish();
                Map<String, Object> setup = new LinkedHashMap<>();
                setup.put("target", target.toString());
                setup.put("draft", draft.toString());
                if (!group.getKey().isEmpty()) {
                    setup.put("category", group.getKey());
                }
                setup.put("prompts", group.getValue().size());
                setup.put("maxTokens", maxTokens);
                setup.put("repeats", repeats);
                setup.put("warmupPrompts", warmup);
                setup.put("warmupSeconds", warmupSeconds);
                setup.put("cpus", Runtime.getRuntime().availableProcessors());
                setup.put("device", decoder.target().lm().device().toString());
                if (cost != null) {
                    // what adaptive size priced nodes with (it decides tree sizes): measured at start, then
                    // as the forwards it priced moved it by the end
                    setup.put("measuredStepCost", measuredCost);
                    setup.put("learnedStepCost", stepCost(cost));
                }
                Path dir = group.getKey().isEmpty() ? outDir : outDir.resolve(group.getKey());
                BenchReport.write(dir, setup, results);
                BenchPlots.write(dir, results, acceptance);
                if (a.has("json")) {
                    out.println(JsonMapper.builder().build().writeValueAsString(BenchReport.summaryObject(setup, results)));
                } else {
                    out.print(group.getKey().isEmpty() ? "" : "\n## category: " + group.getKey() + "\n\n");
                    out.print(BenchReport.markdown(setup, results));
                    out.println("\nwrote " + dir.toAbsolutePath());
                }
            }
            if (!a.has("json")) {
                out.print(contextAcceptance(acceptance));
            }
        }
        return 0;
    }

    /** The strategy's name without the bench's "+adaptive" and "@T" suffixes. */
    static String baseName(String label) {
        return label.replace("+adaptive", "").replaceAll("@.*$", "");
    }

    /** The draft temperature after "@", NaN without one. */
    static double draftTemperature(String label) {
        int at = label.indexOf('@');
        if (at < 0) {
            return Double.NaN;
        }
        String t = label.substring(at + 1).replace("+adaptive", "");
        try {
            return dev.dyspec.api.StrategyOptions.defaults().withDraftTemperature(Double.parseDouble(t)).draftTemperature();
        } catch (IllegalArgumentException e) { // not a number, or out of range
            throw new CliException("'" + label + "': the draft temperature after '@' must be a number in (0, 2]");
        }
    }

    /** What context proposals earned over the whole run, by match length, per temperature band that saw any. */
    static String contextAcceptance(AcceptanceModel acceptance) {
        StringBuilder b = new StringBuilder();
        for (AcceptanceModel.Band band : AcceptanceModel.Band.values()) {
            long[][] counts = acceptance.contextCounts(band);
            if (java.util.Arrays.stream(counts).mapToLong(c -> c[1]).sum() == 0) {
                continue;
            }
            b.append("\nContext proposals (n-gram) verified in band ").append(band.name().toLowerCase(java.util.Locale.ROOT))
                    .append(":\n\n| match length | verified | accepted | acceptance |\n|---|---:|---:|---:|\n");
            for (int i = 0; i < counts.length; i++) {
                b.append(String.format(java.util.Locale.ROOT, "| %s | %d | %d | %s |%n",
                        i + 1 == AcceptanceModel.MAX_MATCH ? (i + 1) + "+" : String.valueOf(i + 1), counts[i][1],
                        counts[i][0], counts[i][1] == 0 ? "–" : String.format(java.util.Locale.ROOT, "%.3f",
                                (double) counts[i][0] / counts[i][1])));
            }
        }
        return b.toString();
    }

    /** The measured forward costs adaptive size read, as ms: the target's by rows (1, 2, 4, 8) and the draft's per node. */
    static String stepCost(MeasuredTreeCost cost) {
        StringBuilder out = new StringBuilder("target");
        for (double[] point : cost.targetPoints()) {
            int rows = (int) point[0];
            if (rows == 1 || rows == 2 || rows == 4 || rows == 8) {
                out.append(String.format(java.util.Locale.ROOT, " %d rows %.3f ms,", rows, point[1]));
            }
        }
        return out.append(String.format(java.util.Locale.ROOT, " draft %.3f ms per node", cost.draftMsPerNode())).toString();
    }
}
