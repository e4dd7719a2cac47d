package dev.dyspec.app.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import tools.jackson.databind.json.JsonMapper;

/** {@code bench-serve}'s results as JSON, CSV, a Markdown table and plots against concurrency. */
public record ServeBenchReport(String machine, String server, List<ServeLevel> levels) {

    public String toJson() {
        return JsonMapper.builder().build().writeValueAsString(this);
    }

    public String toCsv() {
        StringBuilder b = new StringBuilder("concurrency,strategy,requests,failed,tokens_per_second,ttft_p50_ms,ttft_p95_ms,"
                + "itl_p50_ms,itl_p95_ms,tau,rows_per_target_forward,rows_per_draft_forward,cached_prompt_share,server_cores\n");
        for (ServeLevel l : levels) {
            b.append(String.format(Locale.ROOT, "%d,%s,%d,%d,%.1f,%.1f,%.1f,%.1f,%.1f,%.2f,%.1f,%.1f,%.3f,%.2f%n", l.concurrency(),
                    l.strategy(), l.requests(), l.failed(), l.tokensPerSecond(), l.ttftP50Ms(), l.ttftP95Ms(), l.itlP50Ms(),
                    l.itlP95Ms(), l.tau(), l.rowsPerTargetForward(), l.rowsPerDraftForward(), l.cachedPromptShare(),
                    l.serverCores()));
        }
        return b.toString();
    }

    public String toMarkdown() {
        StringBuilder b = new StringBuilder("# bench-serve\n\n" + machine + "; " + server + "\n\n"
                + "Cores busy: the server process's CPU time over the wall time between the scrapes around a level (an in-process server shares its"
                + " process with the clients, and their CPU is in it).\n\n"
                + "| strategy | streams | tokens/s | × 1 stream | TTFT p50 / p95 ms | chunk gap p50 / p95 ms | τ | rows per target forward | rows per draft forward | prompt cached | cores busy | tokens/s per core |\n"
                + "|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (ServeLevel l : levels) {
            double single = levels.stream().filter(x -> x.strategy().equals(l.strategy()) && x.concurrency() == 1)
                    .mapToDouble(ServeLevel::tokensPerSecond).findFirst().orElse(Double.NaN);
            b.append(String.format(Locale.ROOT, "| %s | %d | %.0f | %.2f | %.0f / %.0f | %.1f / %.1f | %.2f | %.1f | %.1f | %.0f%% | %.2f | %.0f |%n",
                    l.strategy(), l.concurrency(), l.tokensPerSecond(), l.tokensPerSecond() / single, l.ttftP50Ms(),
                    l.ttftP95Ms(), l.itlP50Ms(), l.itlP95Ms(), l.tau(), l.rowsPerTargetForward(), l.rowsPerDraftForward(),
                    100 * l.cachedPromptShare(), l.serverCores(), l.tokensPerSecond() / l.serverCores()));
        }
        b.append("\n## By prompt category\n\nPer request: its completion tokens over its own latency, and τ.\n\n"
                + "| strategy | streams | category | requests | tokens/s per request | τ |\n|---|---|---|---|---|---|\n");
        for (ServeLevel l : levels) {
            l.byCategory().forEach((c, s) -> b.append(String.format(Locale.ROOT, "| %s | %d | %s | %d | %.0f | %.2f |%n",
                    l.strategy(), l.concurrency(), c, s.requests(), s.tokensPerSecond(), s.tau())));
        }
        return b.toString();
    }

    public void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("bench-serve.json"), toJson());
        Files.writeString(dir.resolve("bench-serve.csv"), toCsv());
        Files.writeString(dir.resolve("bench-serve.md"), toMarkdown());
        BenchPlots.save(dir.resolve("bench-serve-throughput.png"), series(true), "Aggregate throughput",
                "concurrent streams", "output tokens/s");
        BenchPlots.save(dir.resolve("bench-serve-latency.png"), series(false), "Gap between streamed chunks, p95",
                "concurrent streams", "ms");
    }

    private XYSeriesCollection series(boolean throughput) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (String strategy : levels.stream().map(ServeLevel::strategy).distinct().toList()) {
            XYSeries s = new XYSeries(strategy);
            levels.stream().filter(l -> l.strategy().equals(strategy))
                    .forEach(l -> s.add(l.concurrency(), throughput ? l.tokensPerSecond() : l.itlP95Ms()));
            data.addSeries(s);
        }
        return data;
    }
}
