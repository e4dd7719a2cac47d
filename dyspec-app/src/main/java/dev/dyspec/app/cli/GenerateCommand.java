package dev.dyspec.app.cli;

import dev.dyspec.api.GenerationStats;
import dev.dyspec.api.SamplingParams;
import dev.dyspec.api.StrategyOptions;
import dev.dyspec.api.TreeStrategy;
import dev.dyspec.core.decode.GenerationRequest;
import dev.dyspec.core.decode.GenerationSession;
import dev.dyspec.core.decode.SpeculativeDecoder;
import dev.dyspec.core.decode.StepResult;
import dev.dyspec.core.model.DeviceSelector;
import dev.dyspec.core.model.LanguageModel;
import dev.dyspec.core.model.ModelLoader;
import dev.dyspec.api.TreeCost;
import dev.dyspec.core.model.CausalLm;
import dev.dyspec.core.model.MeasuredTreeCost;
import dev.dyspec.strategies.AcceptanceModel;
import dev.dyspec.strategies.BuiltinStrategies;
import dev.dyspec.strategies.TargetOnlyStrategy;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code ./dyspec generate}: decodes from a prompt with the target alone or with a draft and a tree
 * strategy; prints the text, or one JSON line per sample with {@code --json}.
 */
public final class GenerateCommand {

    static final Set<String> VALUED = Set.of("backend", "target", "draft", "strategy", "budget", "threshold", "tree-shape",
            "prompt", "max-tokens", "temperature", "top-p", "seed", "samples", "device", "max-budget", "stop",
            "expansions-per-forward", "draft-temperature");
    static final Set<String> FLAGS = Set.of("json", "adaptive-size");

    private final PrintStream out;
    private final PrintStream err;

    public GenerateCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public int run(String[] args) {
        CliArgs a = CliArgs.parse(args, 1, VALUED, FLAGS);
        boolean defaults = !a.has("target");
        Path targetPath = ModelPaths.resolve(a.get("target", null), ModelPaths.defaultTarget(), "target");
        String strategyName = a.get("strategy", a.has("draft") || defaults ? "dyspec" : TargetOnlyStrategy.NAME);
        TreeStrategy strategy = strategy(strategyName);
        Path draftPath = a.has("draft") ? Path.of(a.get("draft", null))
                : (defaults && strategy.usesDraft() ? ModelPaths.resolve(null, ModelPaths.defaultDraft(), "draft") : null);
        if (strategy.usesDraft() && draftPath == null) {
            throw new CliException("strategy '" + strategyName + "' needs --draft");
        }
        int maxBudget = a.getInt("max-budget", 64);
        StrategyOptions options = StrategyOptions.defaults()
                .withBudget(a.getInt("budget", StrategyOptions.DEFAULT_BUDGET))
                .withThreshold(a.getDouble("threshold", StrategyOptions.DEFAULT_THRESHOLD))
                .withExpansionsPerForward(a.getInt("expansions-per-forward", 1));
        if (a.has("tree-shape")) {
            options = options.withTreeShape(StrategyOptions.parseTreeShape(a.get("tree-shape", null)));
        }
        if (a.has("draft-temperature")) {
            try {
                options = options.withDraftTemperature(a.getDouble("draft-temperature", Double.NaN));
            } catch (IllegalArgumentException e) {
                throw new CliException("--draft-temperature: " + e.getMessage());
            }
        }
        boolean adaptive = a.has("adaptive-size");
        options = options.withAdaptiveSize(adaptive);
        if (!adaptive) {
            strategy.validate(options, maxBudget);
        }
        int maxTokens = a.getInt("max-tokens", 128);
        if (maxTokens <= 0) {
            throw new CliException("--max-tokens must be positive, got " + maxTokens);
        }
        double temperature = a.getDouble("temperature", 0.0);
        double topP = a.getDouble("top-p", 1.0);
        long seed = a.getLong("seed", 0);
        int samples = a.getInt("samples", 1);
        if (samples <= 0) {
            throw new CliException("--samples must be positive, got " + samples);
        }
        new SamplingParams(temperature, topP, seed); // validates before any model loads
        boolean json = a.has("json");
        List<String> stops = a.all("stop");

        ai.djl.Device device = DeviceSelector.select(a.get("device", "cpu"));
        ModelLoader loader = new ModelLoader(device, maxBudget + 2, CliBackend.of(a, device));
        LanguageModel target = loader.load(targetPath);
        LanguageModel draft = draftPath != null && strategy.usesDraft() ? loader.load(draftPath) : null;
        JsonMapper mapper = JsonMapper.builder().build();
        try (SpeculativeDecoder decoder = new SpeculativeDecoder(target, draft, maxBudget)) {
            // Calibrated strategies learn from this run's own verifications; adaptive size measures
            // the forward costs of the loaded pair first.
            AcceptanceModel acceptance = new AcceptanceModel();
            decoder.addObserver(acceptance);
            CausalLm draftLm = draft == null ? null : draft.lm();
            TreeCost cost = adaptive ? MeasuredTreeCost.measure(target.lm(), draftLm, maxBudget)
                    .follow(target.lm(), draftLm) : null;
            strategy = BuiltinStrategies.byName(BuiltinStrategies.all(acceptance, cost), strategyName);
            strategy.validate(options, maxBudget);
            int[] prompt = decoder.encodePrompt(a.get("prompt", ""));
            for (int s = 0; s < samples; s++) {
                SamplingParams params = new SamplingParams(temperature, topP, seed + s);
                GenerationRequest request = new GenerationRequest(prompt, maxTokens, params, strategy, options, stops);
                long start = System.nanoTime();
                try (GenerationSession session = decoder.start(request)) {
                    while (!session.finished()) {
                        StepResult step = session.step();
                        if (!json) {
                            out.print(step.text());
                            out.flush();
                        }
                    }
                    double seconds = (System.nanoTime() - start) / 1e9;
                    if (json) {
                        out.println(mapper.writeValueAsString(report(session, strategy, params, seconds)));
                    } else {
                        out.println();
                        GenerationStats st = session.stats();
                        err.printf("[%s] %d tokens in %.2f s (%.1f tok/s), %d target forwards, tau %.2f, finish %s%n",
                                strategy.name(), st.emittedTokens(), seconds, st.emittedTokens() / seconds,
                                st.targetForwards(), st.meanAcceptanceLength(), session.finishReason());
                    }
                }
            }
        }
        return 0;
    }

    private static TreeStrategy strategy(String name) {
        try {
            return BuiltinStrategies.byName(name);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }
    }

    static Map<String, Object> report(GenerationSession session, TreeStrategy strategy, SamplingParams params,
                                      double seconds) {
        GenerationStats st = session.stats();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("text", session.text());
        m.put("tokens", session.generatedTokens());
        m.put("promptTokens", session.promptTokens());
        m.put("finishReason", session.finishReason());
        m.put("strategy", strategy.name());
        m.put("seed", params.seed());
        m.put("steps", st.targetForwards());
        m.put("draftForwards", st.draftForwards());
        m.put("draftedTokens", st.draftedTokens());
        m.put("acceptedTokens", st.acceptedTokens());
        m.put("meanAcceptanceLength", st.meanAcceptanceLength());
        m.put("acceptanceByDepth", st.acceptedByDepth());
        m.put("draftedByDepth", st.draftedByDepth());
        m.put("tokensPerSecond", seconds > 0 ? st.emittedTokens() / seconds : 0);
        Map<String, Object> timings = new LinkedHashMap<>();
        timings.put("draft", st.draftNanos() / 1e6);
        timings.put("target", st.targetNanos() / 1e6);
        timings.put("other", st.otherNanos() / 1e6);
        timings.put("prefill", st.prefillNanos() / 1e6);
        m.put("timings", timings);
        return m;
    }
}
