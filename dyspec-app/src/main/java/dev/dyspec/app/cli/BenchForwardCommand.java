package dev.dyspec.app.cli;

import ai.djl.Device;
import dev.dyspec.core.checkpoint.ModelConfig;
import dev.dyspec.core.checkpoint.RandomInit;
import dev.dyspec.core.model.CausalLm;
import dev.dyspec.core.model.DeviceSelector;
import dev.dyspec.core.model.ForwardBackend;
import dev.dyspec.core.model.ForwardCostCurve;
import dev.dyspec.core.model.LanguageModel;
import dev.dyspec.core.model.ModelLoader;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code ./dyspec bench-forward}: the forward cost curve (median ms per forward by new tokens and
 * cached context) of real models or synthetic random ones ({@code --synthetic DIMxLAYERS}).
 */
public final class BenchForwardCommand {

    static final Set<String> VALUED = Set.of("model", "synthetic", "contexts", "new-tokens", "repeats", "warmup",
            "device", "vocab", "backend");
    static final Set<String> FLAGS = Set.of();

    private final PrintStream out;

    public BenchForwardCommand(PrintStream out) {
        this.out = out;
    }

    public int run(String[] args) {
        CliArgs a = CliArgs.parse(args, 1, VALUED, FLAGS);
        int[] contexts = a.getIntList("contexts", List.of(128, 512)).stream().mapToInt(Integer::intValue).toArray();
        int[] newTokens = a.getIntList("new-tokens", List.of(1, 2, 4, 8, 16, 32, 64)).stream().mapToInt(Integer::intValue).toArray();
        int repeats = a.getInt("repeats", 30);
        int warmup = a.getInt("warmup", 5);
        int vocab = a.getInt("vocab", 4096);
        Device device = DeviceSelector.select(a.get("device", "cpu"));
        ForwardBackend backend = CliBackend.of(a, device);
        int maxNew = java.util.Arrays.stream(newTokens).max().orElse(1);
        List<String> models = new ArrayList<>(a.all("model"));
        models.addAll(a.all("synthetic").stream().map(s -> "synthetic:" + s).toList());
        if (models.isEmpty()) {
            models.add("synthetic:512x8");
            models.add("synthetic:128x2");
        }
        out.printf("forward cost curve on %s (%s kernel), %d threads; median of %d runs, ms per forward%n", device,
                backend.name().toLowerCase(java.util.Locale.ROOT), Runtime.getRuntime().availableProcessors(), repeats);
        for (String spec : models) {
            try (CausalLm lm = load(spec, device, backend, vocab, maxNew)) {
                ModelConfig c = lm.config();
                out.printf("%n%s  (dim %d, layers %d, heads %d/%d, hidden %d, vocab %d, %.1fM params)%n", spec,
                        c.hiddenSize(), c.numLayers(), c.numHeads(), c.numKvHeads(), c.intermediateSize(),
                        c.vocabSize(), c.parameterCount() / 1e6);
                ForwardCostCurve.Table t = ForwardCostCurve.measure(lm, contexts, newTokens, warmup, repeats);
                StringBuilder header = new StringBuilder(String.format("%-10s", "context"));
                for (int n : newTokens) {
                    header.append(String.format("%9s", n + " tok"));
                }
                header.append(String.format("%12s", "16/1 ratio"));
                out.println(header);
                for (int ci = 0; ci < contexts.length; ci++) {
                    StringBuilder row = new StringBuilder(String.format("%-10d", contexts[ci]));
                    double one = Double.NaN;
                    double sixteen = Double.NaN;
                    for (int k = 0; k < newTokens.length; k++) {
                        double ms = t.millis()[ci][k];
                        row.append(Double.isNaN(ms) ? String.format("%9s", "-") : String.format("%9.3f", ms));
                        if (newTokens[k] == 1) {
                            one = ms;
                        }
                        if (newTokens[k] == 16) {
                            sixteen = ms;
                        }
                    }
                    row.append(Double.isNaN(one) || Double.isNaN(sixteen) ? String.format("%12s", "-")
                            : String.format("%12.2f", sixteen / one));
                    out.println(row);
                }
            }
        }
        return 0;
    }

    private static CausalLm load(String spec, Device device, ForwardBackend backend, int vocab, int maxNew) {
        if (spec.startsWith("synthetic:")) {
            String shape = spec.substring("synthetic:".length());
            String[] parts = shape.split("x");
            if (parts.length != 2) {
                throw new CliException("--synthetic takes DIMxLAYERS, e.g. 512x8; got '" + shape + "'");
            }
            int dim;
            int layers;
            try {
                dim = Integer.parseInt(parts[0]);
                layers = Integer.parseInt(parts[1]);
            } catch (NumberFormatException e) {
                throw new CliException("--synthetic takes DIMxLAYERS, e.g. 512x8; got '" + shape + "'");
            }
            int heads = Math.max(1, dim / 64);
            int hidden = (int) (Math.round(dim * 8.0 / 3 / 32) * 32);
            ModelConfig config = new ModelConfig(dim, hidden, layers, heads, heads, vocab, 1e-5, 10000, 1024, true, 1, 2);
            return new CausalLm(RandomInit.checkpoint(config, 1), device, 1024 + maxNew + 2, vocab, backend);
        }
        LanguageModel m = new ModelLoader(device, maxNew + 2, backend).load(Path.of(spec));
        m.tokenizer().close();
        return m.lm();
    }
}
