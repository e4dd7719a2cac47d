package dev.dyspec.core.training;

import dev.dyspec.core.tokenizer.TextTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Text files tokenized into one id stream (documents separated by the start token), split into a
 * training part and a held-out tail for validation.
 */
public final class TokenCorpus {

    private final int[] train;
    private final int[] validation;

    private TokenCorpus(int[] train, int[] validation) {
        this.train = train;
        this.validation = validation;
    }

    /**
     * @param heldOut fraction of the stream kept for validation (taken from the end of each file)
     */
    public static TokenCorpus load(List<Path> files, TextTokenizer tokenizer, int bos, double heldOut, int minTokens) {
        List<int[]> trainParts = new ArrayList<>();
        List<int[]> valParts = new ArrayList<>();
        for (Path f : files) {
            if (!Files.isRegularFile(f)) {
                throw new IllegalArgumentException(f + ": corpus file not found");
            }
            String text;
            try {
                text = Files.readString(f);
            } catch (IOException e) {
                throw new IllegalArgumentException(f + ": cannot read corpus: " + e.getMessage());
            }
            if (text.isBlank()) {
                throw new IllegalArgumentException(f + ": corpus file is empty");
            }
            int[] ids = encodeInChunks(text, tokenizer, bos);
            int cut = (int) (ids.length * (1 - heldOut));
            trainParts.add(Arrays.copyOfRange(ids, 0, cut));
            valParts.add(Arrays.copyOfRange(ids, cut, ids.length));
        }
        int[] train = concat(trainParts);
        int[] val = concat(valParts);
        if (train.length < minTokens || val.length < minTokens) {
            throw new IllegalArgumentException("corpus too small: " + train.length + " training and " + val.length
                    + " held-out tokens; need at least " + minTokens + " of each (one batch window)");
        }
        return new TokenCorpus(train, val);
    }

    /** Every token of the files as held-out text, for evaluation only. */
    public static TokenCorpus heldOutOnly(List<Path> files, TextTokenizer tokenizer, int bos, int minTokens) {
        TokenCorpus all = load(files, tokenizer, bos, 0.0001, 0);
        int[] everything = concat(List.of(all.train, all.validation));
        if (everything.length < minTokens) {
            throw new IllegalArgumentException("held-out text too small: " + everything.length + " tokens; need at least "
                    + minTokens);
        }
        return new TokenCorpus(everything, everything);
    }

    /** Paragraph-sized chunks keep tokenizer calls small; each file starts with the start token. */
    private static int[] encodeInChunks(String text, TextTokenizer tokenizer, int bos) {
        List<int[]> parts = new ArrayList<>();
        parts.add(new int[] {bos});
        StringBuilder chunk = new StringBuilder();
        for (String line : text.split("(?<=\n)")) {
            chunk.append(line);
            if (chunk.length() > 4000 && line.isBlank()) {
                parts.add(tokenizer.encode(chunk.toString()));
                chunk.setLength(0);
            }
        }
        if (chunk.length() > 0) {
            parts.add(tokenizer.encode(chunk.toString()));
        }
        return concat(parts);
    }

    private static int[] concat(List<int[]> parts) {
        int n = parts.stream().mapToInt(p -> p.length).sum();
        int[] out = new int[n];
        int at = 0;
        for (int[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    public int trainTokens() {
        return train.length;
    }

    public int validationTokens() {
        return validation.length;
    }

    public int maxId() {
        return Math.max(Arrays.stream(train).max().orElse(0), Arrays.stream(validation).max().orElse(0));
    }

    /** {@code batch} random windows of {@code length + 1} training tokens, flattened. */
    public int[] sample(SplittableRandom random, int batch, int length) {
        return windows(train, random, batch, length);
    }

    /** Fixed, evenly spread held-out windows. */
    public int[] validationBatch(int batch, int length, int index) {
        int[] out = new int[batch * (length + 1)];
        int span = validation.length - length - 1;
        for (int b = 0; b < batch; b++) {
            int start = (int) ((long) span * ((index * batch + b) % 97) / 97);
            System.arraycopy(validation, start, out, b * (length + 1), length + 1);
        }
        return out;
    }

    private static int[] windows(int[] stream, SplittableRandom random, int batch, int length) {
        int[] out = new int[batch * (length + 1)];
        for (int b = 0; b < batch; b++) {
            int start = random.nextInt(stream.length - length - 1);
            System.arraycopy(stream, start, out, b * (length + 1), length + 1);
        }
        return out;
    }
}
