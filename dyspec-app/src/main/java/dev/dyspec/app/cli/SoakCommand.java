package dev.dyspec.app.cli;

import dev.dyspec.app.soak.SoakReport;
import dev.dyspec.app.soak.SoakRunner;
import java.io.PrintStream;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Set;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code ./dyspec soak --url URL [--management-url URL] [--concurrency 64] [--duration 10m] [--api-key K]
 * [--cut-share 0.1] [--hostile-share 0.2] [--max-tokens 32] [--pid PID] [--seed S] [--json]}: a load and
 * fault run against a live server; exit code 1 when it saw a 5xx, a broken stream, a malformed error body
 * or readiness down.
 */
public final class SoakCommand {

    static final Set<String> VALUED = Set.of("url", "management-url", "concurrency", "duration", "api-key", "cut-share",
            "hostile-share", "max-tokens", "pid", "seed");
    static final Set<String> FLAGS = Set.of("json");

    private final PrintStream out;

    public SoakCommand(PrintStream out) {
        this.out = out;
    }

    public int run(String[] args) throws InterruptedException {
        CliArgs a = CliArgs.parse(args, 1, VALUED, FLAGS);
        if (!a.has("url")) {
            throw new CliException("--url URL of the server's API is required (e.g. http://127.0.0.1:8080)");
        }
        Duration duration;
        try {
            String d = a.get("duration", "1m");
            duration = Duration.parse("PT" + d.toUpperCase(java.util.Locale.ROOT));
        } catch (DateTimeParseException e) {
            throw new CliException("--duration takes e.g. 90s, 10m or 1h");
        }
        SoakRunner.Settings settings = new SoakRunner.Settings(a.get("url", null), a.get("management-url", null),
                a.get("api-key", null), a.getInt("concurrency", 64), duration, a.getDouble("cut-share", 0.1),
                a.getDouble("hostile-share", 0.2), a.getInt("max-tokens", 32), a.getLong("pid", 0), a.getLong("seed", 1));
        SoakReport report = new SoakRunner(settings).run();
        if (a.has("json")) {
            out.println(JsonMapper.builder().build().writeValueAsString(report));
        } else {
            out.printf("requests %d (hostile %d), by status %s%n", report.requests(), report.hostileRequests(), report.statuses());
            out.printf("streams broken %d, cut by the client %d; malformed error bodies %d%n", report.brokenStreams(),
                    report.cutStreams(), report.badErrorBodies());
            out.printf("readiness down %d of %d checks%n", report.readinessDown(), report.readinessChecks());
            out.printf("ttft p50 %.0f ms p95 %.0f ms; latency p50 %.0f ms p95 %.0f ms%n", report.ttftP50Ms(),
                    report.ttftP95Ms(), report.latencyP50Ms(), report.latencyP95Ms());
            if (!report.rssKiB().isEmpty()) {
                out.printf("server RSS KiB over time: %s%n", report.rssKiB());
            }
            out.println(report.healthy() ? "healthy" : "NOT healthy");
        }
        return report.healthy() ? 0 : 1;
    }
}
