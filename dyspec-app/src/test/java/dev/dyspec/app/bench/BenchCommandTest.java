package dev.dyspec.app.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dyspec.app.DyspecMain;
import dev.dyspec.app.ShippedPair;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A small bench run on the shipped pair writes every output with sane values. */
class BenchCommandTest {

    @TempDir
    Path out;

    @Test
    void quickRunWritesAllOutputsWithSaneValues() throws Exception {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        int code = DyspecMain.run(new String[] {"bench", "--target", ShippedPair.target().toString(),
            "--draft", ShippedPair.draft().toString(), "--quick", "--prompt-limit", "2", "--max-tokens", "24",
            "--budgets", "4,8", "--out", out.toString(), "--json"},
                new PrintStream(stdout, true, StandardCharsets.UTF_8), new PrintStream(stderr, true, StandardCharsets.UTF_8));
        assertThat(code).as(stderr.toString(StandardCharsets.UTF_8)).isZero();
        for (String f : new String[] {"results.json", "results.csv", "summary.md", "calibration.png",
            "speedup-vs-budget-T0_0.png", "tau-vs-budget-T1_0.png", "acceptance-by-depth-T0_0.png"}) {
            assertThat(out.resolve(f)).exists();
            assertThat(Files.size(out.resolve(f))).isPositive();
        }
        JsonNode summary = JsonMapper.builder().build().readTree(stdout.toString(StandardCharsets.UTF_8));
        JsonNode cells = summary.get("cells");
        assertThat(cells.size()).isEqualTo(2 * (1 + 6 * 2)); // both temperatures × (target-only + 6 strategies × 2 budgets)
        for (JsonNode c : cells) {
            assertThat(c.get("tau").asDouble()).isGreaterThanOrEqualTo(1.0);
            assertThat(c.get("tokensPerSecond").asDouble()).isPositive();
            assertThat(c.get("meanTreeSize").asDouble()).isLessThanOrEqualTo(Math.max(0, c.get("budget").asInt()));
            // 2 prompts × 2 repeats: the warm-up generation each cell ran first is not among them
            assertThat(c.get("generations").asInt()).isEqualTo(4);
            if (c.get("strategy").asText().equals("target-only")) {
                assertThat(c.get("speedup").asDouble()).isEqualTo(1.0);
                assertThat(c.get("tau").asDouble()).isEqualTo(1.0);
            }
        }
        assertThat(stderr.toString(StandardCharsets.UTF_8)).contains("ETA");
        byte[] png = Files.readAllBytes(out.resolve("calibration.png"));
        assertThat(png[1]).isEqualTo((byte) 'P'); // a PNG signature
        assertThat(summary.get("setup").get("warmupPrompts").asInt()).isEqualTo(1);
        assertThat(summary.get("setup").get("warmupSeconds").asDouble()).isZero(); // --quick: prompts only
    }

    /** The warm-up lasts the time asked for, going on through the cells, and still records none of it. */
    @Test
    void aTimedWarmUpLastsItsTimeAndRecordsNothing() {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        long start = System.nanoTime();
        int code = DyspecMain.run(new String[] {"bench", "--target", ShippedPair.target().toString(),
            "--draft", ShippedPair.draft().toString(), "--strategies", "target-only,chain", "--budgets", "4",
            "--temperatures", "0", "--prompt-limit", "2", "--max-tokens", "8", "--repeats", "1", "--warmup", "0",
            "--warmup-seconds", "3", "--out", out.toString(), "--json"},
                new PrintStream(stdout, true, StandardCharsets.UTF_8), new PrintStream(stderr, true, StandardCharsets.UTF_8));
        assertThat(code).as(stderr.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(3_000_000_000L);
        JsonNode summary = JsonMapper.builder().build().readTree(stdout.toString(StandardCharsets.UTF_8));
        assertThat(summary.get("setup").get("warmupSeconds").asDouble()).isEqualTo(3.0);
        for (JsonNode c : summary.get("cells")) {
            assertThat(c.get("generations").asInt()).as(c.get("strategy").asText()).isEqualTo(2);
        }
    }

    @Test
    void aNegativeWarmupIsRejectedBeforeAnyModelLoads() {
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        int code = DyspecMain.run(new String[] {"bench", "--target", ShippedPair.target().toString(),
            "--draft", ShippedPair.draft().toString(), "--warmup", "-1", "--out", out.toString()},
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(stderr, true, StandardCharsets.UTF_8));
        assertThat(code).isNotZero();
        assertThat(stderr.toString(StandardCharsets.UTF_8)).contains("--warmup must be 0 or more");
        code = DyspecMain.run(new String[] {"bench", "--target", ShippedPair.target().toString(),
            "--draft", ShippedPair.draft().toString(), "--warmup-seconds", "-2", "--out", out.toString()},
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(stderr, true, StandardCharsets.UTF_8));
        assertThat(code).isNotZero();
        assertThat(stderr.toString(StandardCharsets.UTF_8)).contains("--warmup-seconds must be 0 or more");
    }
}
