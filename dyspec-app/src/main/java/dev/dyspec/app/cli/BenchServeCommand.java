package dev.dyspec.app.cli;

import dev.dyspec.app.DyspecApplication;
import dev.dyspec.app.bench.BenchPrompt;
import dev.dyspec.app.bench.ServeBenchReport;
import dev.dyspec.app.bench.ServeBenchRunner;
import dev.dyspec.app.bench.ServeLevel;
import dev.dyspec.app.engine.ModelService;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code ./dyspec bench-serve [--target PATH --draft PATH | --url URL [--management-url URL]]
 * [--concurrency 1,2,4,8,16] [--strategies target-only,chain,dyspec,dyspec-calibrated] [--requests N]
 * [--max-tokens 64] [--temperature 0] [--budget 8] [--adaptive] [--reuse-prefixes true|false] [--prefix-cache-slots N]
 * [--prompts FILE [--distinct-prompts]] [--out DIR] [--json]}: the serving
 * benchmark. Without {@code --url} it starts the service in this JVM on free ports and stops it after.
 */
public final class BenchServeCommand {

    static final Set<String> VALUED = Set.of("target", "draft", "url", "management-url", "api-key", "concurrency",
            "strategies", "requests", "max-tokens", "temperature", "budget", "prompts", "out", "max-concurrent",
            "max-batch-rows", "reuse-prefixes", "prefix-cache-slots", "warmup-seconds");
    static final Set<String> FLAGS = Set.of("json", "adaptive", "distinct-prompts");

    private final PrintStream out;
    private final PrintStream err;

    public BenchServeCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public int run(String[] args) throws IOException, InterruptedException {
        CliArgs a = CliArgs.parse(args, 1, VALUED, FLAGS);
        List<Integer> concurrency = ints(a.get("concurrency", "1,2,4,8,16"), "--concurrency");
        double warmupSeconds = a.getDouble("warmup-seconds", 10);
        if (!(warmupSeconds >= 0)) {
            throw new CliException("--warmup-seconds must be 0 or more, got " + warmupSeconds);
        }
        List<String> strategies = Arrays.stream(a.get("strategies", "target-only,chain,dyspec,dyspec-calibrated").split(","))
                .map(String::strip).filter(x -> !x.isEmpty()).toList();
        int maxConcurrent = concurrency.stream().mapToInt(Integer::intValue).max().orElse(1);
        List<BenchPrompt> prompts = a.has("prompts") ? BenchPrompt.read(Path.of(a.get("prompts", null))) : BenchPrompt.shipped();
        ConfigurableApplicationContext server = null;
        String url = a.get("url", null);
        String management = a.get("management-url", null);
        String serverDescription;
        if (url == null) {
            Path target = ModelPaths.resolve(a.get("target", null), ModelPaths.defaultTarget(), "target");
            Path draft = a.has("target") && !a.has("draft") ? null
                    : ModelPaths.resolve(a.get("draft", null), ModelPaths.defaultDraft(), "draft");
            List<String> serve = new ArrayList<>(List.of("--target", target.toString(), "--port", "0",
                    "--management.server.port=0", "--spring.main.banner-mode=off", "--logging.config=classpath:cli-logback.xml", "--dyspec.limits.max-concurrent=" + Math.max(maxConcurrent,
                            a.getInt("max-concurrent", maxConcurrent)), "--logging.level.root=WARN"));
            if (draft != null) {
                serve.addAll(List.of("--draft", draft.toString()));
            }
            if (a.has("reuse-prefixes")) {
                serve.add("--dyspec.limits.reuse-prefixes=" + a.get("reuse-prefixes", "true"));
            }
            if (a.has("prefix-cache-slots")) {
                serve.add("--dyspec.limits.prefix-cache-slots=" + a.getInt("prefix-cache-slots", 0));
            }
            if (a.has("max-batch-rows")) {
                serve.add("--dyspec.limits.max-batch-rows=" + a.getInt("max-batch-rows", Integer.MAX_VALUE));
            }
            server = DyspecApplication.start(serve.toArray(String[]::new));
            url = "http://127.0.0.1:" + server.getEnvironment().getProperty("local.server.port");
            management = "http://127.0.0.1:" + server.getEnvironment().getProperty("local.management.port");
            ModelService models = server.getBean(ModelService.class);
            while (models.state() == ModelService.State.LOADING) {
                Thread.sleep(100);
            }
            if (models.state() != ModelService.State.READY) {
                server.close();
                throw new CliException("the models did not load: " + models.state());
            }
            serverDescription = "in-process server on " + target.getFileName()
                    + (draft == null ? "" : " + " + draft.getFileName());
        } else {
            serverDescription = "server at " + url;
        }
        try {
            ServeBenchRunner runner = new ServeBenchRunner(new ServeBenchRunner.Settings(url, management,
                    a.get("api-key", null), concurrency, strategies, a.getInt("requests", 2 * maxConcurrent),
                    a.getInt("max-tokens", 64), a.getDouble("temperature", 0), a.getInt("budget", 8), a.has("adaptive"), prompts,
                    a.has("distinct-prompts"), warmupSeconds), err, ServeBenchRunner.STALL);
            List<ServeLevel> levels = runner.run(l -> err.printf(Locale.ROOT,
                    "%-20s %3d streams  %7.1f tokens/s  ttft p50 %6.0f ms  gap p95 %6.1f ms  tau %.2f  rows/forward %.1f"
                    + "  cores busy %.2f%n", l.strategy(), l.concurrency(), l.tokensPerSecond(), l.ttftP50Ms(), l.itlP95Ms(),
                    l.tau(), l.rowsPerTargetForward(), l.serverCores()));
            ServeBenchReport report = new ServeBenchReport(Runtime.getRuntime().availableProcessors() + " processors, "
                    + System.getProperty("os.arch"), serverDescription + ", " + a.getInt("max-tokens", 64)
                    + "-token completions, T = " + a.getDouble("temperature", 0) + ", budget " + a.getInt("budget", 8)
                    + (a.has("adaptive") ? " with adaptive size (DySpec strategies)" : ""), levels);
            if (a.has("out")) {
                report.write(Path.of(a.get("out", null)));
            }
            out.println(a.has("json") ? report.toJson() : report.toMarkdown());
            return levels.stream().anyMatch(l -> l.failed() > 0) ? 1 : 0;
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    private static List<Integer> ints(String text, String option) {
        try {
            List<Integer> out = Arrays.stream(text.split(",")).map(String::strip).map(Integer::parseInt).toList();
            if (out.isEmpty() || out.stream().anyMatch(x -> x < 1)) {
                throw new NumberFormatException();
            }
            return out;
        } catch (NumberFormatException e) {
            throw new CliException(option + " takes positive integers separated by commas, e.g. 1,2,4,8");
        }
    }
}
