package dev.dyspec.app.bench;

import dev.dyspec.app.experiment.Statistics;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Drives a running dyspec server the way its users do: N streaming clients at once, each sending
 * completions back to back, and measures what they see (throughput, time to first token, gaps between
 * chunks) per concurrency level and strategy. The server's engine counters, read from its Prometheus
 * endpoint before and after a level, tell how full its batched forwards were.
 */
public final class ServeBenchRunner {

    /**
     * @param url API base, e.g. http://127.0.0.1:8080
     * @param managementUrl actuator base for the engine counters, or null
     * @param requestsPerLevel completions per level and strategy (at least the concurrency)
     * @param distinctPrompts each level goes on where the previous one stopped in the prompt list, so no prompt
     *                        is sent twice while the list lasts and a server's prefix cache finds no repeats;
     *                        otherwise every level sends the list from its start
     * @param warmupSeconds how long the strategies are driven at the highest concurrency, in turn and unmeasured,
     *                      before the first level: the server's JIT compiles its batched paths then, not during
     *                      the levels (on 2 cores it went on compiling for 40 s into a run without it)
     */
    public record Settings(String url, String managementUrl, String apiKey, List<Integer> concurrency,
                           List<String> strategies, int requestsPerLevel, int maxTokens, double temperature, int budget,
                           boolean adaptiveSize, List<BenchPrompt> prompts, boolean distinctPrompts, double warmupSeconds) {
    }

    private record Outcome(String category, int tokens, int promptTokens, int cachedPromptTokens, double ttftMs,
                           double latencyMs, List<Double> gapsMs, double tau) {
    }

    /** A stream that sends nothing for this long is given up and counted as failed, so a level never hangs. */
    public static final Duration STALL = Duration.ofSeconds(60);

    private final Settings s;
    private final PrintStream err;
    private final Duration stall;
    private int promptOffset; // where the next level starts in the prompt list (distinct prompts only)
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final JsonMapper json = JsonMapper.builder().build();

    /**
     * @param err where a stalled stream is reported (what it had received), besides being counted as failed
     * @param stall how long a stream may send nothing before it is given up ({@link #STALL} for the CLI)
     */
    public ServeBenchRunner(Settings settings, PrintStream err, Duration stall) {
        this.s = settings;
        this.err = err;
        this.stall = stall;
    }

    /** @param progress told of each finished level */
    public List<ServeLevel> run(Consumer<ServeLevel> progress) throws IOException, InterruptedException {
        List<ServeLevel> levels = new ArrayList<>();
        int busiest = s.concurrency().stream().mapToInt(Integer::intValue).max().orElse(1);
        for (String strategy : s.strategies()) {
            warmUp(strategy, busiest, (long) (s.warmupSeconds() * 1e9 / s.strategies().size()));
        }
        for (String strategy : s.strategies()) {
            try {
                send(strategy, s.distinctPrompts() ? promptOffset++ : 0, 8); // first-call costs stay out of the first level
            } catch (IOException e) {
                // the level that follows fails the same way and counts it
            }
            for (int c : s.concurrency()) {
                ServeLevel level = level(strategy, c);
                levels.add(level);
                progress.accept(level);
            }
        }
        return levels;
    }

    /** {@code concurrency} clients send completions back to back for {@code nanos}; nothing is measured. */
    private void warmUp(String strategy, int concurrency, long nanos) throws InterruptedException {
        if (nanos <= 0) {
            return;
        }
        long deadline = System.nanoTime() + nanos;
        AtomicInteger next = new AtomicInteger(promptOffset);
        // failures are left to the levels, which fail the same way and report it
        drive(strategy, concurrency, () -> System.nanoTime() < deadline ? next.getAndIncrement() : -1, o -> { }, () -> { });
        if (s.distinctPrompts()) {
            promptOffset = next.get();
        }
    }

    /**
     * {@code concurrency} clients, each sending completions back to back for as long as {@code nextPrompt} gives a
     * prompt index (negative: stop); returns when all have stopped.
     */
    private void drive(String strategy, int concurrency, IntSupplier nextPrompt, Consumer<Outcome> finished,
                       Runnable failed) throws InterruptedException {
        ExecutorService clients = Executors.newFixedThreadPool(concurrency);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < concurrency; c++) {
                running.add(clients.submit(() -> {
                    for (int i; (i = nextPrompt.getAsInt()) >= 0; ) {
                        try {
                            finished.accept(send(strategy, i, s.maxTokens()));
                        } catch (IOException | RuntimeException e) {
                            failed.run();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                    }
                }));
            }
            for (Future<?> f : running) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    failed.run();
                }
            }
        } finally {
            clients.shutdown();
        }
    }

    private ServeLevel level(String strategy, int concurrency) throws InterruptedException {
        int total = Math.max(s.requestsPerLevel(), concurrency);
        int first = s.distinctPrompts() ? promptOffset : 0;
        if (s.distinctPrompts()) {
            promptOffset += total;
        }
        EngineCounters before = engineCounters();
        AtomicInteger next = new AtomicInteger();
        List<Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger failed = new AtomicInteger();
        long start = System.nanoTime();
        drive(strategy, concurrency, () -> {
            int i = next.getAndIncrement();
            return i < total ? first + i : -1;
        }, outcomes::add, failed::incrementAndGet);
        double seconds = (System.nanoTime() - start) / 1e9;
        EngineCounters after = engineCounters();
        List<Double> ttft = new ArrayList<>();
        List<Double> gaps = new ArrayList<>();
        long tokens = 0;
        double tau = 0;
        long promptTokens = 0;
        long cachedPromptTokens = 0;
        for (Outcome o : outcomes) {
            promptTokens += o.promptTokens();
            cachedPromptTokens += o.cachedPromptTokens();
            ttft.add(o.ttftMs());
            gaps.addAll(o.gapsMs());
            tokens += o.tokens();
            tau += o.tau();
        }
        java.util.SortedMap<String, ServeLevel.Category> byCategory = new java.util.TreeMap<>();
        outcomes.stream().collect(java.util.stream.Collectors.groupingBy(Outcome::category)).forEach((c, os) ->
                byCategory.put(c, new ServeLevel.Category(os.size(),
                        os.stream().mapToDouble(Outcome::tokens).sum() * 1000 / os.stream().mapToDouble(Outcome::latencyMs).sum(),
                        os.stream().mapToDouble(Outcome::tau).average().orElse(Double.NaN))));
        return new ServeLevel(concurrency, strategy, outcomes.size(), failed.get(), tokens / seconds,
                Statistics.quantile(ttft, 0.5), Statistics.quantile(ttft, 0.95), Statistics.quantile(gaps, 0.5),
                Statistics.quantile(gaps, 0.95), outcomes.isEmpty() ? Double.NaN : tau / outcomes.size(),
                after.rowsPerTargetForwardSince(before), after.rowsPerDraftForwardSince(before),
                ratio(cachedPromptTokens, promptTokens), after.coresBusySince(before), byCategory);
    }

    private static double ratio(double a, double b) {
        return b > 0 ? a / b : Double.NaN;
    }

    /** One streamed completion; a non-200 answer or a stream without its final chunk is an error. */
    private Outcome send(String strategy, int index, int maxTokens) throws IOException, InterruptedException {
        BenchPrompt prompt = s.prompts().get(index % s.prompts().size());
        String body = "{\"prompt\": " + json.writeValueAsString(prompt.prompt()) + ", \"max_tokens\": " + maxTokens
                + ", \"temperature\": " + s.temperature() + ", \"seed\": " + index + ", \"stream\": true,"
                + " \"stream_options\": {\"include_usage\": true}, \"dyspec\": {\"strategy\": "
                + json.writeValueAsString(strategy) + ", \"budget\": " + s.budget() + ", \"adaptiveSize\": "
                + (s.adaptiveSize() && strategy.startsWith("dyspec")) + "}}";
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(s.url() + "/v1/completions"))
                .timeout(Duration.ofMinutes(5)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (s.apiKey() != null) {
            request.header("Authorization", "Bearer " + s.apiKey());
        }
        long start = System.nanoTime();
        StreamLines lines = new StreamLines();
        // the status as soon as the headers are in (the response itself completes with its body)
        CompletableFuture<Integer> status = new CompletableFuture<>();
        http.sendAsync(request.build(), info -> {
            status.complete(info.statusCode());
            return info.statusCode() == 200 ? HttpResponse.BodySubscribers.fromLineSubscriber(lines)
                    : HttpResponse.BodySubscribers.discarding();
        }).whenComplete((response, error) -> {
            if (error != null) {
                status.completeExceptionally(error);
            }
        });
        int code;
        try {
            code = status.get(stall.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw new IOException("the request failed", e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("no response headers within " + stall.toSeconds() + " s");
        }
        if (code != 200) {
            throw new IOException("HTTP " + code);
        }
        double first = -1;
        double last = 0;
        List<Double> gaps = new ArrayList<>();
        int tokens = -1;
        int promptTokens = 0;
        int cachedPromptTokens = 0;
        double tau = Double.NaN;
        try {
            for (String line; (line = lines.next(stall)) != null; ) {
                if (!line.startsWith("data: ") || line.equals("data: [DONE]")) {
                    continue;
                }
                double now = (System.nanoTime() - start) / 1e6;
                JsonNode chunk = json.readTree(line.substring(6));
                if (chunk.has("error")) {
                    throw new IOException("stream error: " + chunk.at("/error/message").asText());
                }
                if (chunk.has("speculative")) {
                    tau = chunk.at("/speculative/mean_acceptance_length").asDouble();
                }
                if (chunk.path("usage").isObject()) {
                    tokens = chunk.at("/usage/completion_tokens").asInt();
                    promptTokens = chunk.at("/usage/prompt_tokens").asInt();
                    cachedPromptTokens = chunk.at("/usage/prompt_tokens_details/cached_tokens").asInt(0);
                }
                if (!chunk.at("/choices/0/text").asText("").isEmpty()) {
                    if (first < 0) {
                        first = now;
                    } else {
                        gaps.add(now - last);
                    }
                    last = now;
                }
            }
        } catch (IOException e) {
            err.println("bench-serve: a " + strategy + " request failed: " + e.getMessage() + serverNow());
            throw e;
        }
        if (tokens < 0) {
            throw new IOException("the stream ended without its usage chunk");
        }
        return new Outcome(prompt.category(), tokens, promptTokens, cachedPromptTokens, first < 0 ? last : first, (System.nanoTime() - start) / 1e6, gaps,
                tau);
    }

    /**
     * The server's counters at one moment (NaN where its metrics are out of reach).
     *
     * @param processCpuNanos the server process's CPU time
     * @param readAtNanos this process's clock halfway through reading them: the server read its CPU time then, give
     *                    or take half a scrape, and a short level must not count the scrapes' own time as its wall time
     */
    private record EngineCounters(double targetForwards, double targetRows, double draftForwards, double draftRows,
                                  double processCpuNanos, long readAtNanos) {

        double rowsPerTargetForwardSince(EngineCounters before) {
            return ratio(targetRows - before.targetRows, targetForwards - before.targetForwards);
        }

        double rowsPerDraftForwardSince(EngineCounters before) {
            return ratio(draftRows - before.draftRows, draftForwards - before.draftForwards);
        }

        double coresBusySince(EngineCounters before) {
            return ratio(processCpuNanos - before.processCpuNanos, readAtNanos - before.readAtNanos);
        }
    }

    private EngineCounters engineCounters() {
        long start = System.nanoTime();
        double[] v = serverMetrics("dyspec_engine_target_forwards_total", "dyspec_engine_target_rows_total",
                "dyspec_engine_draft_forwards_total", "dyspec_engine_draft_rows_total", "process_cpu_time_ns_total");
        long end = System.nanoTime();
        return new EngineCounters(v[0], v[1], v[2], v[3], v[4], start + (end - start) / 2);
    }

    /**
     * What the server is doing as a request fails, for telling a stream the server stopped feeding (its
     * generation still active, or none left) from one that was fed and not delivered; empty without metrics.
     */
    private String serverNow() {
        double[] now = serverMetrics("dyspec_active_generations", "dyspec_queue_depth");
        return Double.isNaN(now[0]) ? "" : String.format(" (the server then: %.0f generating, %.0f queued)", now[0], now[1]);
    }

    /** The named values from the server's Prometheus page (the last sample of each), NaN where missing. */
    private double[] serverMetrics(String... names) {
        double[] out = new double[names.length];
        java.util.Arrays.fill(out, Double.NaN);
        if (s.managementUrl() == null) {
            return out;
        }
        try {
            String text = http.send(HttpRequest.newBuilder(URI.create(s.managementUrl() + "/actuator/prometheus"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
            for (String line : text.split("\n")) {
                for (int i = 0; i < names.length; i++) {
                    if (line.startsWith(names[i] + " ") || line.startsWith(names[i] + "{")) {
                        out[i] = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return out;
    }
}
