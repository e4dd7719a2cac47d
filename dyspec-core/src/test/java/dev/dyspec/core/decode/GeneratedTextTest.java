package dev.dyspec.core.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dyspec.core.testing.SharedModels;
import dev.dyspec.core.tokenizer.HfTextTokenizer;
import dev.dyspec.core.tokenizer.TextTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The text a generation streams is the tokenizer's own decode of it, step by step, whether it is built
 * from the tokens' bytes or decoded by the tokenizer each step — with the real tokenizers users bring
 * (byte-level BPE and SentencePiece with byte fallback), characters split across tokens, a prompt that is
 * only a start token (the tokenizer strips the text's leading space) and stop strings.
 */
class GeneratedTextTest {

    private static final String TEXT = "Once upon a time, Tom said: \"Héllo, wörld — 数字 42!\" and a 🐉 flew  away.\n"
            + "  Ça va? Ωμέγα… done";

    static Stream<Arguments> tokenizers() {
        return Stream.of(
                Arguments.of("shipped dyspec-target", SharedModels.shipped("dyspec-target").resolve("tokenizer.json"), 0),
                Arguments.of("llama2", shared("tokenizers/llama2/tokenizer.json"), 1),
                Arguments.of("llama3.1", shared("tokenizers/llama3.1/tokenizer.json"), 128000),
                Arguments.of("qwen3", shared("tokenizers/qwen3/tokenizer.json"), 151643),
                Arguments.of("gpt2", shared("tokenizers/gpt2/tokenizer.json"), 50256),
                Arguments.of("babyllama-tok105", shared("models/babyllama-tok105/tokenizer.json"), 1));
    }

    private static Path shared(String path) {
        return SharedModels.available() ? SharedModels.expectedRoot().resolve(path) : null;
    }

    private static HfTextTokenizer load(Path tokenizerJson) {
        if (tokenizerJson == null) {
            SharedModels.root(); // skips (or fails under dyspec.requireShared) naming what is missing
        }
        return HfTextTokenizer.load(tokenizerJson);
    }

    /** The same tokenizer without token bytes: text comes from its decode each step, as before. */
    private record DecodeOnly(TextTokenizer inner) implements TextTokenizer {
        @Override
        public int[] encode(String text) {
            return inner.encode(text);
        }

        @Override
        public String decode(int[] ids) {
            return inner.decode(ids);
        }

        @Override
        public int vocabSize() {
            return inner.vocabSize();
        }
    }

    /** Counts the decodes asked of it. */
    private static final class CountingDecodes implements TextTokenizer {
        private final TextTokenizer inner;
        int decodes;

        CountingDecodes(TextTokenizer inner) {
            this.inner = inner;
        }

        @Override
        public int[] encode(String text) {
            return inner.encode(text);
        }

        @Override
        public String decode(int[] ids) {
            decodes++;
            return inner.decode(ids);
        }

        @Override
        public int vocabSize() {
            return inner.vocabSize();
        }

        @Override
        public byte[] bytesOf(int id) {
            return inner.bytesOf(id);
        }

        @Override
        public int strippedLeadingSpaces() {
            return inner.strippedLeadingSpaces();
        }
    }

    private static List<String> stream(TextTokenizer t, int[] prompt, int[] generated, int perStep, List<String> stops) {
        GeneratedText text = new GeneratedText(t, prompt, stops);
        List<String> deltas = new ArrayList<>();
        for (int i = 0; i < generated.length && !text.stopped(); i += perStep) {
            deltas.add(text.append(Arrays.copyOfRange(generated, i, Math.min(generated.length, i + perStep))));
        }
        deltas.add(text.flush());
        return deltas;
    }

    private static int[] concat(int[] a, int[] b) {
        int[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tokenizers")
    void theStreamedTextIsTheTokenizersDecodeStepForStepAsBefore(String name, Path tokenizerJson, int bos) {
        try (HfTextTokenizer t = load(tokenizerJson)) {
            int[] generated = t.encode(TEXT);
            int[][] prompts = {{bos}, concat(new int[] {bos}, t.encode("The story begins:")), t.encode("数")};
            for (int[] prompt : prompts) {
                String whole = t.decode(concat(prompt, generated));
                String expected = whole.substring(t.decode(prompt).length());
                for (int perStep : new int[] {1, 3}) {
                    List<String> fromBytes = stream(t, prompt, generated, perStep, List.of());
                    List<String> decoded = stream(new DecodeOnly(t), prompt, generated, perStep, List.of());
                    assertEquals(decoded, fromBytes, name + ": the deltas of each step, prompt " + Arrays.toString(prompt));
                    assertEquals(expected, String.join("", fromBytes), name + ": the whole text");
                    assertFalse(String.join("", fromBytes).contains("\uFFFD"), "no half character is ever streamed");
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tokenizers")
    void aStopStringCutsTheTextWhereverItsTokensSplit(String name, Path tokenizerJson, int bos) {
        try (HfTextTokenizer t = load(tokenizerJson)) {
            int[] generated = t.encode(TEXT);
            String whole = t.decode(concat(new int[] {bos}, generated)); // TEXT, or with <unk> where a vocabulary lacks a character
            for (String stop : List.of("数字", "🐉", "wörld", "\n  Ça")) {
                for (int perStep : new int[] {1, 2}) {
                    List<String> fromBytes = stream(t, new int[] {bos}, generated, perStep, List.of(stop));
                    assertEquals(stream(new DecodeOnly(t), new int[] {bos}, generated, perStep, List.of(stop)), fromBytes,
                            name + ": stop " + stop);
                    String text = String.join("", fromBytes);
                    assertEquals(whole.contains(stop) ? whole.substring(0, whole.indexOf(stop)) : whole, text,
                            name + ": text before the stop " + stop);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tokenizers")
    void aGenerationEndingInsideACharacterEndsAsTheTokenizersDecode(String name, Path tokenizerJson, int bos) {
        try (HfTextTokenizer t = load(tokenizerJson)) {
            int[] dragon = t.encode("A🐉");
            for (int end = 1; end <= dragon.length; end++) {
                int[] generated = Arrays.copyOf(dragon, end);
                List<String> fromBytes = stream(t, new int[] {bos}, generated, 1, List.of());
                assertEquals(stream(new DecodeOnly(t), new int[] {bos}, generated, 1, List.of()), fromBytes,
                        name + ": " + end + " of " + Arrays.toString(dragon));
                assertEquals(t.decode(generated), String.join("", fromBytes));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tokenizers")
    void aStepAsksTheTokenizerToDecodeNothing(String name, Path tokenizerJson, int bos) {
        try (HfTextTokenizer t = load(tokenizerJson)) {
            CountingDecodes counting = new CountingDecodes(t);
            GeneratedText text = new GeneratedText(counting, concat(new int[] {bos}, t.encode("A tale:")), List.of("zzz"));
            int before = counting.decodes;
            StringBuilder streamed = new StringBuilder();
            for (int id : t.encode(TEXT)) {
                streamed.append(text.append(new int[] {id}));
            }
            assertEquals(0, counting.decodes - before, name + ": decodes while streaming");
            assertFalse(streamed.isEmpty());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tokenizers")
    void theTokenizerGivesBytesForTheTokensOfRealText(String name, Path tokenizerJson, int bos) {
        try (HfTextTokenizer t = load(tokenizerJson)) {
            for (int id : t.encode(TEXT)) {
                assertNotNull(t.bytesOf(id), name + ": bytes of token " + id);
            }
            assertEquals(0, t.bytesOf(bos).length, name + ": a special token adds no text");
            assertTrue(t.strippedLeadingSpaces() <= 1);
        }
    }
}
