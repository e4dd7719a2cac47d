package dev.dyspec.core.tokenizer;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/**
 * The UTF-8 bytes each token adds to a text, read from a {@code tokenizer.json} whose decoder is one of the
 * two that causal LMs ship: byte-level BPE (GPT-2, Llama 3, Qwen) and SentencePiece's
 * {@code Replace(▁→space), ByteFallback, Fuse, Strip} (Llama 2, Mistral, TinyStories). With them a generation's
 * text is its tokens' bytes joined — no call into the native tokenizer per step. Any other decoder (or an
 * unknown detail of one) gives no table, and text is decoded by the tokenizer as before.
 */
public final class TokenBytes {

    private static final byte[] NONE = new byte[0];

    /** bytes[id]: what the token adds in the middle of a text; empty for special tokens; null for ids without one. */
    private final byte[][] bytes;
    /** Leading spaces the decoder strips from the start of a whole text (SentencePiece's {@code Strip}). */
    private final int strippedLeadingSpaces;

    private TokenBytes(byte[][] bytes, int strippedLeadingSpaces) {
        this.bytes = bytes;
        this.strippedLeadingSpaces = strippedLeadingSpaces;
    }

    /** The table for a parsed {@code tokenizer.json}, or empty where its decoder is not one this reads. */
    static Optional<TokenBytes> of(JsonObject tokenizerJson, int vocabSize) {
        Optional<Decoder> decoder = Decoder.of(tokenizerJson.get("decoder"));
        if (decoder.isEmpty()) {
            return Optional.empty();
        }
        byte[][] table = new byte[vocabSize][];
        JsonElement vocab = tokenizerJson.getAsJsonObject("model").get("vocab");
        if (vocab != null && vocab.isJsonObject()) {
            for (Map.Entry<String, JsonElement> e : vocab.getAsJsonObject().entrySet()) {
                put(table, e.getValue().getAsInt(), decoder.get().bytes(e.getKey()));
            }
        } else if (vocab != null && vocab.isJsonArray()) {
            JsonArray pieces = vocab.getAsJsonArray();
            for (int id = 0; id < pieces.size(); id++) {
                put(table, id, decoder.get().bytes(pieces.get(id).getAsJsonArray().get(0).getAsString()));
            }
        } else {
            return Optional.empty();
        }
        if (tokenizerJson.has("added_tokens") && tokenizerJson.get("added_tokens").isJsonArray()) {
            for (JsonElement t : tokenizerJson.getAsJsonArray("added_tokens")) {
                JsonObject added = t.getAsJsonObject();
                int id = added.get("id").getAsInt();
                boolean special = added.has("special") && added.get("special").getAsBoolean();
                put(table, id, special ? NONE : decoder.get().bytes(added.get("content").getAsString()));
            }
        }
        return Optional.of(new TokenBytes(table, decoder.get().strippedLeadingSpaces()));
    }

    private static void put(byte[][] table, int id, byte[] b) {
        if (id >= 0 && id < table.length) {
            table[id] = b;
        }
    }

    /** The bytes token {@code id} adds in the middle of a text (empty for a special token), or null where unknown. */
    public byte[] bytes(int id) {
        return id >= 0 && id < bytes.length ? bytes[id] : null;
    }

    /** How many leading spaces the tokenizer's decode drops from the start of a whole text. */
    public int strippedLeadingSpaces() {
        return strippedLeadingSpaces;
    }

    /** One token's text as the tokenizer decodes it alone: its bytes, leading spaces stripped, invalid bytes as U+FFFD. */
    String decodedAlone(int id) {
        byte[] b = bytes(id);
        int from = 0;
        while (from < b.length && from < strippedLeadingSpaces && b[from] == ' ') {
            from++;
        }
        return new String(b, from, b.length - from, StandardCharsets.UTF_8);
    }

    /** A token string to bytes, for one decoder configuration. */
    private interface Decoder {

        byte[] bytes(String token);

        int strippedLeadingSpaces();

        static Optional<Decoder> of(JsonElement config) {
            if (config == null || !config.isJsonObject()) {
                return Optional.empty();
            }
            JsonObject c = config.getAsJsonObject();
            String type = c.has("type") ? c.get("type").getAsString() : "";
            if (type.equals("ByteLevel")) {
                return Optional.of(new ByteLevel());
            }
            if (type.equals("Sequence") && c.has("decoders") && c.get("decoders").isJsonArray()) {
                return SentencePiece.of(c.getAsJsonArray("decoders"));
            }
            return Optional.empty();
        }
    }

    /** GPT-2's byte-level alphabet: each byte is one printable character; the token's characters map back. */
    private static final class ByteLevel implements Decoder {

        /** byteOfChar[c]: the byte character c stands for, -1 for characters outside the alphabet (all below 256 + 68). */
        private final int[] byteOfChar = new int[256 + 68];

        ByteLevel() {
            Arrays.fill(byteOfChar, -1);
            int shifted = 0;
            for (int b = 0; b < 256; b++) {
                boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
                byteOfChar[printable ? b : 256 + shifted++] = b;
            }
        }

        @Override
        public byte[] bytes(String token) {
            byte[] out = new byte[token.length()];
            for (int i = 0; i < token.length(); i++) {
                char c = token.charAt(i);
                if (c >= byteOfChar.length || byteOfChar[c] < 0) {
                    return null; // a character outside the alphabet: left to the tokenizer's own decode
                }
                out[i] = (byte) byteOfChar[c];
            }
            return out;
        }

        @Override
        public int strippedLeadingSpaces() {
            return 0;
        }
    }

    /** {@code Replace(▁ → space)}, optionally {@code ByteFallback}, {@code Fuse}, then optionally {@code Strip(space, n, 0)}. */
    private record SentencePiece(boolean byteFallback, int strippedLeadingSpaces) implements Decoder {

        static Optional<Decoder> of(JsonArray steps) {
            boolean replaced = false;
            boolean byteFallback = false;
            boolean fused = false;
            int strip = 0;
            for (JsonElement e : steps) {
                JsonObject step = e.getAsJsonObject();
                String type = step.has("type") ? step.get("type").getAsString() : "";
                switch (type) {
                    case "Replace" -> {
                        JsonElement pattern = step.get("pattern");
                        boolean metaspaceToSpace = !replaced && !fused && pattern != null && pattern.isJsonObject()
                                && pattern.getAsJsonObject().has("String")
                                && pattern.getAsJsonObject().get("String").getAsString().equals("\u2581")
                                && step.has("content") && step.get("content").getAsString().equals(" ");
                        if (!metaspaceToSpace) {
                            return Optional.empty();
                        }
                        replaced = true;
                    }
                    case "ByteFallback" -> {
                        if (fused) {
                            return Optional.empty();
                        }
                        byteFallback = true;
                    }
                    case "Fuse" -> fused = true;
                    case "Strip" -> {
                        // before Fuse a Strip would cut every token; after it, only the whole text's start
                        boolean leadingSpaces = fused && strip == 0 && step.has("content")
                                && step.get("content").getAsString().equals(" ")
                                && step.has("stop") && step.get("stop").getAsInt() == 0 && step.has("start");
                        if (!leadingSpaces) {
                            return Optional.empty();
                        }
                        strip = step.get("start").getAsInt();
                    }
                    default -> {
                        return Optional.empty();
                    }
                }
            }
            return replaced && fused ? Optional.of(new SentencePiece(byteFallback, strip)) : Optional.empty();
        }

        @Override
        public byte[] bytes(String token) {
            if (byteFallback && token.length() == 6 && token.startsWith("<0x") && token.endsWith(">")) {
                try {
                    return new byte[] {(byte) Integer.parseInt(token.substring(3, 5), 16)};
                } catch (NumberFormatException notAByte) {
                    // an ordinary piece that looks like one
                }
            }
            return token.replace('\u2581', ' ').getBytes(StandardCharsets.UTF_8);
        }
    }
}
