package dev.dyspec.core.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.dyspec.core.checkpoint.CheckpointException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A {@code tokenizer.json} through DJL's Hugging Face tokenizers, with truncation and padding off. */
public final class HfTextTokenizer implements TextTokenizer {

    private final HuggingFaceTokenizer tokenizer;
    private final int vocabSize;

    private HfTextTokenizer(HuggingFaceTokenizer tokenizer, int vocabSize) {
        this.tokenizer = tokenizer;
        this.vocabSize = vocabSize;
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
            return new HfTextTokenizer(t, TokenizerVocabulary.size(tokenizerJson));
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
    public int vocabSize() {
        return vocabSize;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
