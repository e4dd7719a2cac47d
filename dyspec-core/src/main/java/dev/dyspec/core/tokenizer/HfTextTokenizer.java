package dev.dyspec.core.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.google.gson.JsonObject;
import dev.dyspec.core.checkpoint.CheckpointException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A {@code tokenizer.json} through DJL's Hugging Face tokenizers, with truncation and padding off; each
 * token's bytes from {@link TokenBytes} where the decoder is one it reads, each checked against this
 * tokenizer's own decode the first time it is asked for.
 */
public final class HfTextTokenizer implements TextTokenizer {

    private static final byte UNCHECKED = 0;
    private static final byte AGREES = 1;
    private static final byte DIFFERS = 2;

    private final HuggingFaceTokenizer tokenizer;
    private final int vocabSize;
    private final TokenBytes bytes; // null where the decoder is not one TokenBytes reads
    // per id: whether its bytes were checked against decode; racing writers store the same value
    private final byte[] checked;

    private HfTextTokenizer(HuggingFaceTokenizer tokenizer, int vocabSize, TokenBytes bytes) {
        this.tokenizer = tokenizer;
        this.vocabSize = vocabSize;
        this.bytes = bytes;
        this.checked = new byte[bytes == null ? 0 : vocabSize];
    }

    public static HfTextTokenizer load(Path tokenizerJson) {
        if (!Files.isRegularFile(tokenizerJson)) {
            throw new CheckpointException(tokenizerJson, "file not found");
        }
        try {
            HuggingFaceTokenizer t = HuggingFaceTokenizer.builder()
                    .optTokenizerPath(tokenizerJson)
                    .optAddSpecialTokens(false)
                    .optTruncation(false) // DJL silently truncates to 512 tokens otherwise
                    .optPadding(false)
                    .build();
            JsonObject json = TokenizerVocabulary.read(tokenizerJson);
            int vocabSize = TokenizerVocabulary.size(json, tokenizerJson);
            return new HfTextTokenizer(t, vocabSize, TokenBytes.of(json, vocabSize).orElse(null));
        } catch (IOException | RuntimeException e) {
            throw new CheckpointException(tokenizerJson, "cannot load tokenizer: " + e.getMessage(), e);
        }
    }

    @Override
    public int[] encode(String text) {
        long[] ids = tokenizer.encode(text, false, false).getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = (int) ids[i];
        }
        return out;
    }

    @Override
    public String decode(int[] ids) {
        long[] l = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            l[i] = ids[i];
        }
        return tokenizer.decode(l, true);
    }

    @Override
    public byte[] bytesOf(int id) {
        byte[] b = bytes == null ? null : bytes.bytes(id);
        if (b == null) {
            return null;
        }
        byte state = checked[id];
        if (state == UNCHECKED) {
            state = sameText(bytes.decodedAlone(id), decode(new int[] {id})) ? AGREES : DIFFERS;
            checked[id] = state;
        }
        return state == AGREES ? b : null;
    }

    @Override
    public int strippedLeadingSpaces() {
        return bytes == null ? 0 : bytes.strippedLeadingSpaces();
    }

    /** Equal texts, counting a run of U+FFFD as one: invalid bytes are replaced per byte by some decoders, per sequence by others. */
    private static boolean sameText(String a, String b) {
        return a.equals(b) || a.replaceAll("\uFFFD+", "\uFFFD").equals(b.replaceAll("\uFFFD+", "\uFFFD"));
    }

    @Override
    public int vocabSize() {
        return vocabSize;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
