package dev.dyspec.app.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** Writes results.json, results.csv and summary.md for a bench run. */
public final class BenchReport {

    private BenchReport() {
    }

    public static Map<String, Object> summaryObject(Map<String, Object> setup, List<CellSummary> cells) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("setup", setup);
        m.put("cells", cells);
        return m;
    }

    public static void write(Path dir, Map<String, Object> setup, List<CellSummary> cells) throws IOException {
        Files.createDirectories(dir);
        JsonMapper json = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
        Files.writeString(dir.resolve("results.json"), json.writeValueAsString(summaryObject(setup, cells)));
        Files.writeString(dir.resolve("results.csv"), csv(cells));
        Files.writeString(dir.resolve("summary.md"), markdown(setup, cells));
    }

    static String csv(List<CellSummary> cells) {
        StringBuilder b = new StringBuilder("strategy,budget,temperature,tau,tau_low,tau_high,tokens_per_second,"
                + "tps_low,tps_high,speedup,speedup_low,speedup_high,draft_forwards_per_token,target_forwards_per_token,"
                + "other_share,mean_tree_size,acceptance_by_depth,generations,tokens\n");
        for (CellSummary c : cells) {
            b.append(String.join(",", c.strategy(), Integer.toString(c.budget()), num(c.temperature()), num(c.tau()),
                    num(c.tauLow()), num(c.tauHigh()), num(c.tokensPerSecond()), num(c.tokensPerSecondLow()),
                    num(c.tokensPerSecondHigh()), num(c.speedup()), num(c.speedupLow()), num(c.speedupHigh()),
                    num(c.draftForwardsPerToken()), num(c.targetForwardsPerToken()), num(c.otherShare()),
                    num(c.meanTreeSize()),
                    "\"" + Arrays.stream(c.acceptanceByDepth()).mapToObj(BenchReport::num).collect(Collectors.joining(" ")) + "\"",
                    Long.toString(c.generations()), Long.toString(c.tokens()))).append('\n');
        }
        return b.toString();
    }

    public static String markdown(Map<String, Object> setup, List<CellSummary> cells) {
        StringBuilder b = new StringBuilder("# dyspec bench\n\n");
        setup.forEach((k, v) -> b.append("- ").append(k).append(": ").append(v).append('\n'));
        b.append("\n| strategy | budget | T | τ (95% CI) | tokens/s (95% CI) | speedup (95% CI) | draft fwd/token |"
                + " target fwd/token | other share | tree size |\n");
        b.append("|---|---:|---:|---|---|---|---:|---:|---:|---:|\n");
        for (CellSummary c : cells) {
            b.append(String.format(Locale.ROOT, "| %s | %s | %.2g | %.2f (%.2f–%.2f) | %.1f (%.1f–%.1f) | %.2f× (%.2f–%.2f) |"
                            + " %.2f | %.2f | %.1f%% | %.1f |%n",
                    c.strategy(), c.budget() == 0 ? "–" : Integer.toString(c.budget()), c.temperature(), c.tau(), c.tauLow(),
                    c.tauHigh(), c.tokensPerSecond(), c.tokensPerSecondLow(), c.tokensPerSecondHigh(), c.speedup(),
                    c.speedupLow(), c.speedupHigh(), c.draftForwardsPerToken(), c.targetForwardsPerToken(),
                    100 * c.otherShare(), c.meanTreeSize()));
        }
        b.append("\nτ: tokens emitted per target forward. Speedup: tokens/s over target-only's in the same repeat"
                + " (cells interleaved across repeats). Other share: step time outside model forwards.\n");
        return b.toString();
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }
}
