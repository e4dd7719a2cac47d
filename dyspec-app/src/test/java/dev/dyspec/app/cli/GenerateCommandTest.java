package dev.dyspec.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dyspec.app.DyspecMain;
import dev.dyspec.app.ShippedPair;
import dev.dyspec.core.testing.SharedModels;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The {@code generate} contract later tools build on. */
class GenerateCommandTest {

    private final JsonMapper json = JsonMapper.builder().build();

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = DyspecMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void jsonLinesCarryTheContractFieldsPerSample() {
        Run r = run("generate", "--target", ShippedPair.target().toString(), "--draft",
                ShippedPair.draft().toString(), "--strategy", "dyspec", "--budget", "8", "--prompt", "And God said",
                "--max-tokens", "20", "--temperature", "1", "--seed", "5", "--samples", "3", "--json");
        assertThat(r.code()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(3);
        long seed = 5;
        for (String line : lines) {
            JsonNode n = json.readTree(line);
            assertThat(n.get("seed").asLong()).isEqualTo(seed++);
            assertThat(n.get("promptTokens").asInt()).isEqualTo(5);
            assertThat(n.get("tokens").size()).isBetween(1, 20);
            assertThat(n.get("text").isTextual()).isTrue();
            for (String field : List.of("steps", "draftForwards", "draftedTokens", "acceptedTokens", "meanAcceptanceLength",
                    "acceptanceByDepth", "timings")) {
                assertThat(n.has(field)).as(field).isTrue();
            }
            assertThat(n.at("/timings/draft").asDouble()).isPositive();
            assertThat(n.get("meanAcceptanceLength").asDouble())
                    .isEqualTo((double) n.get("tokens").size() / n.get("steps").asInt());
        }
    }

    @Test
    void targetAloneFromTheStartTokenMatchesLlama2cRun() {
        Run r = run("generate", "--target", SharedModels.llama2c("stories260K").toString(),
                "--max-tokens", "12", "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode n = json.readTree(r.out());
        assertThat(n.get("promptTokens").asInt()).isEqualTo(1);
        assertThat(n.get("text").asText()).startsWith("Once upon a time, there was a little girl");
    }

    @Test
    void mistakesGoToStderrWithANonZeroExit() {
        for (String[] args : List.of(
                new String[] {"generate", "--target", "/no/such/dir"},
                new String[] {"generate", "--target", ShippedPair.target().toString(), "--strategy", "magic"},
                new String[] {"generate", "--target", ShippedPair.target().toString(), "--strategy", "chain"},
                new String[] {"generate", "--target", ShippedPair.target().toString(), "--temperature", "3"},
                new String[] {"generate", "--target", ShippedPair.target().toString(), "--max-tokens", "x"},
                new String[] {"generate", "--bogus"},
                new String[] {"frobnicate"})) {
            Run r = run(args);
            assertThat(r.code()).as(Arrays.toString(args)).isNotZero();
            assertThat(r.out()).as(Arrays.toString(args)).isEmpty();
            assertThat(r.err()).as(Arrays.toString(args)).startsWith("error: ");
        }
    }
}
