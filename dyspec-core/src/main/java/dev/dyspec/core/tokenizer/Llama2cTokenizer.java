package dev.dyspec.core.tokenizer;

import dev.dyspec.core.checkpoint.CheckpointException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * llama2.c's {@code tok*.bin} tokenizer: SentencePiece-style BPE where merges follow piece scores,
 * with a dummy-prefix space and byte fallback (ids 3..258 are the bytes 0x00..0xFF).
 */
public final class Llama2cTokenizer implements TextTokenizer {

    private static final int BYTE_OFFSET = 3;
    private static final int FIRST_NORMAL = 3;

    private final String[] pieces;
    private final float[] scores;
    private final Map<String, Integer> ids = new HashMap<>();

    private Llama2cTokenizer(String[] pieces, float[] scores) {
        this.pieces = pieces;
        this.scores = scores;
        for (int i = 0; i < pieces.length; i++) {
            ids.putIfAbsent(pieces[i], i);
        }
    }

    /** Reads {@code vocabSize} pieces (the file does not record how many it holds). */
    public static Llama2cTokenizer load(Path file, int vocabSize) {
        if (!Files.isRegularFile(file)) {
            throw new CheckpointException(file, "file not found");
        }
        try {
            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
            String[] pieces = new String[vocabSize];
            float[] scores = new float[vocabSize];
            b.getInt(); // max token length
            for (int i = 0; i < vocabSize; i++) {
                scores[i] = b.getFloat();
                int len = b.getInt();
                if (len < 0 || len > b.remaining()) {
                    throw new CheckpointException(file, "corrupt tokenizer: piece " + i + " has length " + len);
                }
                byte[] bytes = new byte[len];
                b.get(bytes);
                pieces[i] = new String(bytes, StandardCharsets.UTF_8);
            }
            return new Llama2cTokenizer(pieces, scores);
        } catch (java.nio.BufferUnderflowException e) {
            throw new CheckpointException(file, "truncated tokenizer: fewer than " + vocabSize + " pieces");
        } catch (IOException e) {
            throw new CheckpointException(file, "cannot read: " + e.getMessage(), e);
        }
    }

    @Override
    public int[] encode(String text) {
        if (text.isEmpty()) {
            return new int[0];
        }
        List<Integer> tokens = new ArrayList<>();
        Integer space = ids.get(" ");
        if (space != null) {
            tokens.add(space); // SentencePiece's dummy prefix
        }
        text.codePoints().forEach(cp -> {
            String s = new String(Character.toChars(cp));
            Integer id = ids.get(s);
            if (id != null && id >= FIRST_NORMAL) {
                tokens.add(id);
            } else {
                for (byte by : s.getBytes(StandardCharsets.UTF_8)) {
                    tokens.add((by & 0xFF) + BYTE_OFFSET);
                }
            }
        });
        while (true) {
            float best = Float.NEGATIVE_INFINITY;
            int bestId = -1;
            int bestIdx = -1;
            for (int i = 0; i + 1 < tokens.size(); i++) {
                Integer merged = ids.get(pieces[tokens.get(i)] + pieces[tokens.get(i + 1)]);
                if (merged != null && scores[merged] > best) {
                    best = scores[merged];
                    bestId = merged;
                    bestIdx = i;
                }
            }
            if (bestIdx < 0) {
                break;
            }
            tokens.set(bestIdx, bestId);
            tokens.remove(bestIdx + 1);
        }
        return tokens.stream().mapToInt(Integer::intValue).toArray();
    }

    @Override
    public String decode(int[] tokenIds) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int id : tokenIds) {
            if (id < FIRST_NORMAL || id >= pieces.length) {
                continue; // <unk>, <s>, </s>
            }
            String piece = pieces[id];
            if (piece.length() == 6 && piece.startsWith("<0x") && piece.endsWith(">")) {
                out.write(Integer.parseInt(piece.substring(3, 5), 16));
            } else {
                out.writeBytes(piece.getBytes(StandardCharsets.UTF_8));
            }
        }
        String s = out.toString(StandardCharsets.UTF_8);
        // Like SentencePiece (and run.c after the start token): the dummy-prefix space is not text.
        return s.startsWith(" ") ? s.substring(1) : s;
    }

    @Override
    public int vocabSize() {
        return pieces.length;
    }
}
