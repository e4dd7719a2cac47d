package dev.dyspec.app.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.dyspec.core.checkpoint.HfCheckpointLoader;
import dev.dyspec.core.model.CausalLm;
import dev.dyspec.core.model.ForwardCostCurve;
import dev.dyspec.core.tokenizer.HfTextTokenizer;
import dev.dyspec.core.training.PairEvaluation;
import dev.dyspec.core.training.TokenCorpus;
import dev.dyspec.core.training.TrainableLlama;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code ./dyspec eval-pair}: held-out perplexity of target and draft, greedy top-1 agreement,
 * expected acceptance Σ min(p, q) at T = 1, and the 1-token forward cost ratio target/draft here.
 */
public final class EvalPairCommand {

    static final Set<String> VALUED = Set.of("target", "draft", "corpus", "batches", "seq");
    static final Set<String> FLAGS = Set.of("json");

    private final PrintStream out;
    private final PrintStream err;

    public EvalPairCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public int run(String[] args) {
        CliArgs a = CliArgs.parse(args, 1, VALUED, FLAGS);
        Path target = ModelPaths.resolve(a.get("target", null), ModelPaths.defaultTarget(), "target");
        Path draft = ModelPaths.resolve(a.get("draft", null), ModelPaths.defaultDraft(), "draft");
        Path corpus = a.has("corpus") ? Path.of(a.get("corpus", null)) : target.resolve("heldout.txt");
        if (!Files.isRegularFile(corpus)) {
            throw new CliException("no held-out text: pass --corpus FILE (" + corpus + " does not exist)");
        }
        int seq = a.getInt("seq", 128);
        int batches = a.getInt("batches", 16);
        HfTextTokenizer tokenizer = HfTextTokenizer.load(target.resolve("tokenizer.json"));
        var targetCheckpoint = HfCheckpointLoader.load(target);
        var draftCheckpoint = HfCheckpointLoader.load(draft);
        if (targetCheckpoint.config().vocabSize() != draftCheckpoint.config().vocabSize()) {
            throw new CliException("the draft's vocabulary differs from the target's");
        }
        TokenCorpus tokens = TokenCorpus.heldOutOnly(List.of(corpus), tokenizer, targetCheckpoint.config().bosTokenId(),
                seq + 1);
        PairEvaluation.Result r;
        try (NDManager manager = NDManager.newBaseManager();
             TrainableLlama t = new TrainableLlama(targetCheckpoint, manager);
             TrainableLlama d = new TrainableLlama(draftCheckpoint, manager)) {
            r = PairEvaluation.evaluate(t, d, tokens, batches, seq);
        }
        double targetMs;
        double draftMs;
        try (CausalLm t = new CausalLm(targetCheckpoint, Device.cpu(), targetCheckpoint.config().maxPositions() + 2);
             CausalLm d = new CausalLm(draftCheckpoint, Device.cpu(), draftCheckpoint.config().maxPositions() + 2)) {
            int ctx = Math.min(128, targetCheckpoint.config().maxPositions() - 2);
            ForwardCostCurve.measure(t, new int[] {ctx}, new int[] {1}, 20, 5); // warm-up
            ForwardCostCurve.measure(d, new int[] {ctx}, new int[] {1}, 20, 5);
            targetMs = ForwardCostCurve.measure(t, new int[] {ctx}, new int[] {1}, 5, 41).millis()[0][0];
            draftMs = ForwardCostCurve.measure(d, new int[] {ctx}, new int[] {1}, 5, 41).millis()[0][0];
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("targetPerplexity", r.targetPerplexity());
        m.put("draftPerplexity", r.draftPerplexity());
        m.put("greedyAgreement", r.greedyAgreement());
        m.put("expectedAcceptance", r.expectedAcceptance());
        m.put("costRatio", targetMs / draftMs);
        m.put("targetForwardMs", targetMs);
        m.put("draftForwardMs", draftMs);
        m.put("positions", r.positions());
        if (a.has("json")) {
            out.println(JsonMapper.builder().build().writeValueAsString(m));
        } else {
            out.printf(Locale.ROOT, "| metric | value |%n|---|---:|%n");
            m.forEach((k, v) -> out.printf(Locale.ROOT, "| %s | %s |%n", k,
                    v instanceof Double dv ? String.format(Locale.ROOT, "%.4f", dv) : v));
        }
        return 0;
    }
}
