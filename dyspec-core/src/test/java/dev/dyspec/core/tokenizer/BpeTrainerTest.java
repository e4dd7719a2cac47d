package dev.dyspec.core.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dyspec.core.testing.SharedModels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BpeTrainerTest {

    @TempDir
    Path dir;

    @Test
    void trainedTokenizerLoadsInDjlAndRoundTripsArbitraryText() throws Exception {
        String corpus = Files.readString(SharedModels.shippedCorpus()).substring(0, 200_000);
        BpeTrainer.Result result = BpeTrainer.train(List.of(corpus), 600);
        assertEquals(600, result.vocab().size());
        BpeTrainer.write(result, dir);
        try (HfTextTokenizer t = HfTextTokenizer.load(dir.resolve("tokenizer.json"))) {
            assertEquals(600, t.vocabSize());
            int[] ids = t.encode("And the people of the United States shall hear the word of God.");
            assertTrue(ids.length < 30, "merges compress common English: " + ids.length + " tokens");
            SplittableRandom random = new SplittableRandom(3);
            String alphabet = "aé€😀\n\t  ,.!?'\"0123456789ZÿĀ中\u0000\u0007\u007f";
            for (int trial = 0; trial < 300; trial++) {
                StringBuilder s = new StringBuilder();
                int len = random.nextInt(40);
                for (int i = 0; i < len; i++) {
                    if (random.nextInt(4) == 0) {
                        s.appendCodePoint(1 + random.nextInt(0x2FFF));
                    } else {
                        s.appendCodePoint(alphabet.codePointAt(alphabet.offsetByCodePoints(0,
                                random.nextInt(alphabet.codePointCount(0, alphabet.length())))));
                    }
                }
                String text = s.toString().replaceAll("[\\uD800-\\uDFFF&&[^\\p{Cs}]]", "");
                assertEquals(text, t.decode(t.encode(text)), "round trip of " + text.codePoints().boxed().toList());
            }
        }
    }

    @Test
    void everyByteIsASymbol() {
        BpeTrainer.Result result = BpeTrainer.train(List.of("abc abc"), 300);
        for (int b = 0; b < 256; b++) {
            String symbol = BpeTrainer.symbols(new byte[] {(byte) b});
            assertEquals(2 + b, result.vocab().get(symbol));
        }
        assertEquals("é", new String(new byte[] {(byte) 0xC3, (byte) 0xA9}, StandardCharsets.UTF_8));
    }

    @Test
    void tooSmallAVocabularyIsRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> BpeTrainer.train(List.of("x"), 100));
        assertTrue(e.getMessage().contains("at least 258"));
    }
}
