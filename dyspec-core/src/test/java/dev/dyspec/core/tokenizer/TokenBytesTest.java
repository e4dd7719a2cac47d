package dev.dyspec.core.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.dyspec.core.testing.SharedModels;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Token bytes read from a tokenizer.json agree with the tokenizer's own decode for every id, or are not given. */
class TokenBytesTest {

    @TempDir
    Path tmp;

    private static void everyIdAgreesWithDecode(Path tokenizerJson) {
        try (HfTextTokenizer t = HfTextTokenizer.load(tokenizerJson)) {
            for (int id = 0; id < t.vocabSize(); id++) {
                assertNotNull(t.bytesOf(id), tokenizerJson + ": token " + id + " '" + t.decode(new int[] {id}) + "'");
            }
        }
    }

    @Test
    void everyTokenOfTheShippedByteLevelTokenizerHasBytesThatDecodeAsTheTokenizerDoes() {
        everyIdAgreesWithDecode(SharedModels.shipped("dyspec-target").resolve("tokenizer.json"));
    }

    @Test
    void everyTokenOfLlama2sSentencePieceTokenizerHasBytesThatDecodeAsTheTokenizerDoes() {
        everyIdAgreesWithDecode(SharedModels.root().resolve("tokenizers/llama2/tokenizer.json"));
    }

    @Test
    void sentencePieceBytesReplaceTheMetaspaceAndFallBackToBytes() {
        JsonObject json = JsonParser.parseString("""
                {"model": {"type": "BPE", "vocab": {"<s>": 0, "▁the": 1, "<0x0A>": 2, "<0xE6>": 3, "a▁b": 4}},
                 "added_tokens": [{"id": 0, "content": "<s>", "special": true}],
                 "decoder": {"type": "Sequence", "decoders": [
                   {"type": "Replace", "pattern": {"String": "▁"}, "content": " "}, {"type": "ByteFallback"},
                   {"type": "Fuse"}, {"type": "Strip", "content": " ", "start": 1, "stop": 0}]}}
                """).getAsJsonObject();
        TokenBytes bytes = TokenBytes.of(json, 5).orElseThrow();
        assertEquals(0, bytes.bytes(0).length);
        assertEquals(" the", new String(bytes.bytes(1)));
        assertEquals("\n", new String(bytes.bytes(2)));
        assertEquals((byte) 0xE6, bytes.bytes(3)[0]);
        assertEquals("a b", new String(bytes.bytes(4)));
        assertEquals(1, bytes.strippedLeadingSpaces());
        assertEquals("the", bytes.decodedAlone(1));
    }

    @Test
    void aDecoderItDoesNotReadGivesNoBytesAndTheTokenizerStillDecodes() throws Exception {
        Path source = SharedModels.root().resolve("tokenizers/llama2/tokenizer.json");
        JsonObject json = JsonParser.parseString(Files.readString(source)).getAsJsonObject();
        JsonObject metaspace = JsonParser.parseString("""
                {"type": "Metaspace", "replacement": "▁", "prepend_scheme": "always", "split": true}
                """).getAsJsonObject();
        json.add("decoder", metaspace);
        Path changed = tmp.resolve("tokenizer.json");
        Files.writeString(changed, json.toString());
        try (HfTextTokenizer t = HfTextTokenizer.load(changed)) {
            int[] ids = t.encode("Once upon a time");
            assertNull(t.bytesOf(ids[1]));
            assertEquals("Once upon a time", t.decode(ids));
        }
    }
}
