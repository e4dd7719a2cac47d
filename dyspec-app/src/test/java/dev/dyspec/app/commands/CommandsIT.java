package dev.dyspec.app.commands;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dyspec.app.ShippedPair;
import dev.dyspec.core.testing.SharedModels;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every documented command run as a user runs it: the {@code ./dyspec} launcher, a new JVM each time,
 * nothing loaded before it. An engine that only works because an earlier test in the same JVM started
 * it fails here.
 */
class CommandsIT {

    private static final Duration LIMIT = Duration.ofMinutes(3);

    private final JsonMapper json = JsonMapper.builder().build();

    @TempDir
    Path dir;

    record Run(int code, String out, String err) {
    }

    private Run dyspec(String... args) throws IOException, InterruptedException {
        Process p = launcher(args).start();
        // read both streams fully; a command that hangs is killed and fails the test
        var out = p.getInputStream();
        var err = p.getErrorStream();
        StringBuilder errText = new StringBuilder();
        Thread errReader = new Thread(() -> {
            try {
                errText.append(new String(err.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException ignored) {
                // the process went away
            }
        });
        errReader.start();
        String outText = new String(out.readAllBytes(), StandardCharsets.UTF_8);
        boolean done = p.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly();
        }
        errReader.join(10_000);
        assertThat(done).as("dyspec %s finished within %s", String.join(" ", args), LIMIT).isTrue();
        return new Run(p.exitValue(), outText, errText.toString());
    }

    private static ProcessBuilder launcher(String... args) {
        List<String> command = new ArrayList<>();
        command.add(SharedModels.projectRoot().resolve("dyspec").toString());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("DYSPEC_JAVA_OPTS", "-Xmx2g");
        return pb;
    }

    @Test
    void generateWithAndWithoutADraftPrintsJson() throws Exception {
        Run speculative = dyspec("generate", "--target", ShippedPair.target().toString(), "--draft",
                ShippedPair.draft().toString(), "--strategy", "dyspec-calibrated", "--prompt", "And God said",
                "--max-tokens", "12", "--temperature", "0", "--json");
        assertThat(speculative.code()).as(speculative.err()).isZero();
        JsonNode s = json.readTree(speculative.out());
        Run alone = dyspec("generate", "--target", ShippedPair.target().toString(), "--prompt", "And God said",
                "--max-tokens", "12", "--temperature", "0", "--json");
        assertThat(alone.code()).as(alone.err()).isZero();
        JsonNode a = json.readTree(alone.out());
        assertThat(s.get("tokens").size()).isEqualTo(12);
        assertThat(s.get("text").asText()).isEqualTo(a.get("text").asText()).isNotBlank();
        assertThat(a.get("draftForwards").asInt()).isZero();
        assertThat(s.get("draftForwards").asInt()).isPositive();
    }

    @Test
    void benchForwardPrintsACostCurve() throws Exception {
        Run r = dyspec("bench-forward", "--model", ShippedPair.draft().toString(), "--contexts", "16",
                "--new-tokens", "1,4", "--repeats", "2", "--warmup", "1");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("dyspec-draft");
        assertThat(r.out().lines().filter(l -> l.matches(".*\\d+\\.\\d+.*")).count()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void quickBenchOnATinyPromptSetWritesItsReport() throws Exception {
        Path prompts = dir.resolve("prompts.jsonl");
        Files.writeString(prompts, "{\"category\": \"continuation\", \"prompt\": \"And God said\"}\n");
        Path out = dir.resolve("bench");
        Run r = dyspec("bench", "--quick", "--prompts", prompts.toString(), "--strategies", "target-only,chain",
                "--budgets", "4", "--temperatures", "0", "--max-tokens", "8", "--repeats", "1", "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(out.resolve("results.json")).isNotEmptyFile();
        assertThat(out.resolve("summary.md")).content().contains("target-only", "chain");
    }

    @Test
    void benchServeStartsAServerDrivesItWithConcurrentStreamsAndWritesItsReport() throws Exception {
        Path out = dir.resolve("bench-serve");
        Run r = dyspec("bench-serve", "--concurrency", "1,3", "--strategies", "target-only,dyspec-calibrated",
                "--requests", "3", "--max-tokens", "8", "--warmup-seconds", "1", "--out", out.toString(), "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode report = json.readTree(r.out());
        assertThat(report.get("levels")).hasSize(4);
        for (JsonNode level : report.get("levels")) {
            assertThat(level.get("failed").asInt()).isZero();
            assertThat(level.get("tokensPerSecond").asDouble()).isPositive();
            assertThat(level.get("ttftP50Ms").asDouble()).isPositive();
            assertThat(level.get("tau").asDouble()).isGreaterThanOrEqualTo(1.0);
            // the in-process server's engine counters are read from its own metrics
            assertThat(level.get("rowsPerTargetForward").asDouble()).isGreaterThanOrEqualTo(1.0);
            assertThat(level.get("cachedPromptShare").asDouble()).isBetween(0.0, 1.0);
            // and its process CPU time: some of this machine's cores, never more than it has
            assertThat(level.get("serverCores").asDouble()).isPositive()
                    .isLessThanOrEqualTo(Runtime.getRuntime().availableProcessors() * 1.05);
        }
        // every level sends the same prompts: the later ones find them in the server's prefix cache
        assertThat(report.get("levels").get(3).get("cachedPromptShare").asDouble()).isPositive();
        assertThat(out.resolve("bench-serve.csv")).content().contains("dyspec-calibrated");
        assertThat(out.resolve("bench-serve-throughput.png")).isNotEmptyFile();
    }

    @Test
    void trainThenDistillThenEvaluateAPair() throws Exception {
        Path corpus = dir.resolve("corpus.txt");
        Files.writeString(corpus, Files.readString(SharedModels.shippedCorpus()).substring(0, 60_000));
        Path target = dir.resolve("target");
        Run t = dyspec("train", "--corpus", corpus.toString(), "--out", target.toString(), "--vocab-size", "300",
                "--dim", "32", "--layers", "2", "--heads", "2", "--context", "64", "--seq", "32", "--batch", "4",
                "--steps", "12", "--eval-every", "6", "--eval-batches", "1", "--checkpoint-every", "6");
        assertThat(t.code()).as(t.err()).isZero();
        assertThat(target.resolve("model.safetensors")).isNotEmptyFile();
        Path draft = dir.resolve("draft");
        Run d = dyspec("distill", "--target", target.toString(), "--corpus", corpus.toString(), "--out", draft.toString(),
                "--dim", "16", "--layers", "1", "--heads", "1", "--seq", "32", "--batch", "4", "--steps", "8",
                "--eval-every", "4", "--eval-batches", "1", "--checkpoint-every", "4");
        assertThat(d.code()).as(d.err()).isZero();
        assertThat(draft.resolve("model.safetensors")).isNotEmptyFile();
        Run e = dyspec("eval-pair", "--target", target.toString(), "--draft", draft.toString(), "--corpus",
                corpus.toString(), "--seq", "32", "--batches", "1", "--json");
        assertThat(e.code()).as(e.err()).isZero();
        assertThat(json.readTree(e.out()).get("targetPerplexity").asDouble()).isGreaterThan(1);
    }

    @Test
    void serveAnswersACompletionAndStopsCleanlyOnSigterm() throws Exception {
        int port;
        int managementPort;
        try (ServerSocket s = new ServerSocket(0); ServerSocket m = new ServerSocket(0)) {
            port = s.getLocalPort();
            managementPort = m.getLocalPort();
        }
        Path log = dir.resolve("serve.log");
        Process server = launcher("serve", "--port", Integer.toString(port), "--management.server.port=" + managementPort)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            String base = "http://127.0.0.1:" + port;
            long deadline = System.nanoTime() + LIMIT.toNanos();
            int ready = 0;
            while (ready != 200 && System.nanoTime() < deadline && server.isAlive()) {
                try {
                    ready = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort
                                    + "/actuator/health/readiness"))
                            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                } catch (IOException notYet) {
                    ready = 0;
                }
                if (ready != 200) {
                    Thread.sleep(250);
                }
            }
            assertThat(ready).as(Files.readString(log)).isEqualTo(200);
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/completions"))
                    .header("Content-Type", "application/json").timeout(Duration.ofSeconds(60))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\": \"And God said\", \"max_tokens\": 8}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode body = json.readTree(r.body());
            assertThat(body.at("/usage/completion_tokens").asInt()).isBetween(1, 8);
            // the default strategy is the fastest one measured on the shipped pair
            assertThat(body.at("/speculative/strategy").asText()).isEqualTo("dyspec-ngram");
        } finally {
            server.destroy(); // SIGTERM
        }
        assertThat(server.waitFor(60, TimeUnit.SECONDS)).as("stopped within a minute of SIGTERM").isTrue();
        String output = Files.readString(log);
        // the JVM's exit status for SIGTERM is 143; a crash or a forced exit would differ
        assertThat(server.exitValue()).as(output).isIn(0, 143);
        assertThat(output).doesNotContain("Exception in thread", "ERROR");
    }
}
