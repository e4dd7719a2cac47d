package dev.dyspec.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dyspec.app.DyspecMain;
import dev.dyspec.app.ShippedPair;
import dev.dyspec.core.testing.SharedModels;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** train → distill → eval-pair from the command line on a small corpus, and their errors. */
class TrainingCommandsTest {

    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = DyspecMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Path corpus() throws Exception {
        Path file = dir.resolve("corpus.txt");
        Files.writeString(file, Files.readString(SharedModels.shippedCorpus()).substring(0, 150_000));
        return file;
    }

    @Test
    void trainDistillAndEvaluateAPair() throws Exception {
        Path corpus = corpus();
        Path target = dir.resolve("target");
        Run t = run("train", "--corpus", corpus.toString(), "--out", target.toString(), "--vocab-size", "300", "--dim", "32",
                "--layers", "2", "--heads", "2", "--context", "64", "--seq", "32", "--batch", "8", "--steps", "40",
                "--eval-every", "20", "--eval-batches", "2", "--checkpoint-every", "20", "--lr", "3e-3");
        assertThat(t.code()).as(t.err()).isZero();
        for (String f : List.of("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json")) {
            assertThat(target.resolve(f)).exists();
        }
        assertThat(t.err()).contains("tok/s", "ETA");
        Path draft = dir.resolve("draft");
        Run d = run("distill", "--target", target.toString(), "--corpus", corpus.toString(), "--out", draft.toString(),
                "--dim", "16", "--layers", "1", "--heads", "1", "--seq", "32", "--batch", "8", "--steps", "30",
                "--eval-every", "15", "--eval-batches", "2", "--checkpoint-every", "15", "--temperature", "1.5");
        assertThat(d.code()).as(d.err()).isZero();
        Run e = run("eval-pair", "--target", target.toString(), "--draft", draft.toString(), "--corpus", corpus.toString(),
                "--seq", "32", "--batches", "2", "--json");
        assertThat(e.code()).as(e.err()).isZero();
        JsonNode m = JsonMapper.builder().build().readTree(e.out());
        assertThat(m.get("targetPerplexity").asDouble()).isGreaterThan(1).isLessThan(300);
        assertThat(m.get("greedyAgreement").asDouble()).isBetween(0.0, 1.0);
        assertThat(m.get("expectedAcceptance").asDouble()).isBetween(0.0, 1.0);
        assertThat(m.get("costRatio").asDouble()).isPositive();
        // and the engine serves what train wrote
        Run g = run("generate", "--target", target.toString(), "--draft", draft.toString(), "--strategy", "dyspec",
                "--prompt", "And God said", "--max-tokens", "10", "--json");
        assertThat(g.code()).as(g.err()).isZero();
    }

    @Test
    void badTrainingInputIsRefusedClearly() throws Exception {
        Path empty = dir.resolve("empty.txt");
        Files.writeString(empty, "\n\n");
        Path corpus = corpus();
        Path smallVocabConfig = dir.resolve("small-vocab.json");
        Files.writeString(smallVocabConfig, Files.readString(ShippedPair.draft().resolve("config.json"))
                .replace("\"vocab_size\": 4096", "\"vocab_size\": 105"));
        String[][] cases = {
            {"train", "--corpus", dir.resolve("missing.txt").toString(), "--out", dir.resolve("o1").toString()},
            {"train", "--corpus", empty.toString(), "--out", dir.resolve("o2").toString()},
            {"train", "--out", dir.resolve("o3").toString()},
            {"train", "--corpus", corpus.toString(), "--out", dir.resolve("o4").toString(), "--vocab-size", "300",
                "--dim", "30", "--heads", "4", "--steps", "1"},
            {"distill", "--target", dir.resolve("no-target").toString(), "--corpus", corpus.toString(),
                "--out", dir.resolve("o5").toString()},
            {"distill", "--target", ShippedPair.target().toString(), "--corpus", corpus.toString(),
                "--out", dir.resolve("o6").toString(), "--config", smallVocabConfig.toString()},
        };
        String[] expected = {"corpus file not found", "corpus file is empty", "--corpus FILE is required",
            "model shape does not fit", "not found", "corpus/tokenizer mismatch"};
        for (int i = 0; i < cases.length; i++) {
            Run r = run(cases[i]);
            assertThat(r.code()).as(Arrays.toString(cases[i])).isNotZero();
            assertThat(r.err()).as(Arrays.toString(cases[i])).contains(expected[i]);
        }
    }
}
