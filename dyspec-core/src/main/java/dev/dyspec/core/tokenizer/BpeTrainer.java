package dev.dyspec.core.tokenizer;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Trains a byte-level BPE tokenizer (GPT-2 style: every byte is a symbol, so any text encodes) and
 * writes a standard {@code tokenizer.json} + {@code tokenizer_config.json} that DJL's Hugging Face
 * tokenizers load. Ids: 0 = {@code <s>}, 1 = {@code </s>}, 2..257 the 256 bytes, then merges.
 */
public final class BpeTrainer {

    public static final String BOS = "<s>";
    public static final String EOS = "</s>";
    /** GPT-2's pre-tokenizer: the same regex HF's ByteLevel(use_regex = true) applies. */
    static final Pattern PRE_TOKENIZER = Pattern.compile(
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+");

    private static final char[] BYTE_TO_CHAR = byteToChar();

    /** GPT-2's reversible byte → printable character map. */
    private static char[] byteToChar() {
        char[] map = new char[256];
        boolean[] direct = new boolean[256];
        for (int b = '!'; b <= '~'; b++) {
            direct[b] = true;
        }
        for (int b = 0xA1; b <= 0xAC; b++) {
            direct[b] = true;
        }
        for (int b = 0xAE; b <= 0xFF; b++) {
            direct[b] = true;
        }
        int n = 0;
        for (int b = 0; b < 256; b++) {
            map[b] = direct[b] ? (char) b : (char) (256 + n++);
        }
        return map;
    }

    static String symbols(byte[] bytes) {
        StringBuilder s = new StringBuilder(bytes.length);
        for (byte b : bytes) {
            s.append(BYTE_TO_CHAR[b & 0xFF]);
        }
        return s.toString();
    }

    /** The trained vocabulary (token string → id) and merges, in order. */
    public record Result(Map<String, Integer> vocab, List<String[]> merges) {
    }

    /**
     * @param vocabSize total tokens including the 2 special tokens and 256 bytes
     */
    public static Result train(List<String> texts, int vocabSize) {
        if (vocabSize < 258) {
            throw new IllegalArgumentException("vocabulary size must be at least 258 (2 special tokens + 256 bytes), got " + vocabSize);
        }
        Map<String, Integer> wordCounts = new HashMap<>();
        for (String text : texts) {
            Matcher m = PRE_TOKENIZER.matcher(text);
            while (m.find()) {
                wordCounts.merge(symbols(m.group().getBytes(StandardCharsets.UTF_8)), 1, Integer::sum);
            }
        }
        Map<String, Integer> vocab = new LinkedHashMap<>();
        vocab.put(BOS, 0);
        vocab.put(EOS, 1);
        for (int b = 0; b < 256; b++) {
            vocab.put(String.valueOf(BYTE_TO_CHAR[b]), 2 + b);
        }
        List<String> idToToken = new ArrayList<>(vocab.keySet());
        // words as symbol-id sequences
        List<int[]> words = new ArrayList<>();
        List<Integer> freqs = new ArrayList<>();
        for (Map.Entry<String, Integer> e : wordCounts.entrySet()) {
            String w = e.getKey();
            int[] ids = new int[w.length()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = vocab.get(String.valueOf(w.charAt(i)));
            }
            words.add(ids);
            freqs.add(e.getValue());
        }
        Map<Long, Long> pairCounts = new HashMap<>();
        Map<Long, Set<Integer>> pairWords = new HashMap<>();
        for (int w = 0; w < words.size(); w++) {
            addPairs(words.get(w), freqs.get(w), w, pairCounts, pairWords, 1);
        }
        List<String[]> merges = new ArrayList<>();
        while (vocab.size() < vocabSize && !pairCounts.isEmpty()) {
            long best = -1;
            long bestCount = 0;
            String bestText = null;
            for (Map.Entry<Long, Long> e : pairCounts.entrySet()) {
                long c = e.getValue();
                if (c <= 0) {
                    continue;
                }
                if (c > bestCount) {
                    best = e.getKey();
                    bestCount = c;
                    bestText = null;
                } else if (c == bestCount) {
                    // ties: the lexicographically smallest pair, for a deterministic result
                    if (bestText == null) {
                        bestText = pairText(best, idToToken);
                    }
                    String t = pairText(e.getKey(), idToToken);
                    if (t.compareTo(bestText) < 0) {
                        best = e.getKey();
                        bestText = t;
                    }
                }
            }
            if (best < 0 || bestCount < 2) {
                break;
            }
            int a = (int) (best >>> 32);
            int b = (int) best;
            String merged = idToToken.get(a) + idToToken.get(b);
            int newId = idToToken.size();
            idToToken.add(merged);
            vocab.put(merged, newId);
            merges.add(new String[] {idToToken.get(a), idToToken.get(b)});
            for (int w : new ArrayList<>(pairWords.getOrDefault(best, Set.of()))) {
                int[] old = words.get(w);
                addPairs(old, freqs.get(w), w, pairCounts, pairWords, -1);
                int[] updated = mergeWord(old, a, b, newId);
                words.set(w, updated);
                addPairs(updated, freqs.get(w), w, pairCounts, pairWords, 1);
            }
            pairCounts.remove(best);
            pairWords.remove(best);
        }
        return new Result(vocab, merges);
    }

    private static String pairText(long pair, List<String> idToToken) {
        return idToToken.get((int) (pair >>> 32)) + " " + idToToken.get((int) pair);
    }

    private static void addPairs(int[] word, int freq, int index, Map<Long, Long> counts, Map<Long, Set<Integer>> where,
                                 int sign) {
        for (int i = 0; i + 1 < word.length; i++) {
            long key = ((long) word[i] << 32) | (word[i + 1] & 0xFFFFFFFFL);
            long c = counts.merge(key, (long) sign * freq, Long::sum);
            if (sign > 0) {
                where.computeIfAbsent(key, k -> new HashSet<>()).add(index);
            } else if (c <= 0) {
                counts.remove(key);
                where.remove(key);
            }
        }
    }

    private static int[] mergeWord(int[] word, int a, int b, int merged) {
        int[] out = new int[word.length];
        int n = 0;
        for (int i = 0; i < word.length; i++) {
            if (i + 1 < word.length && word[i] == a && word[i + 1] == b) {
                out[n++] = merged;
                i++;
            } else {
                out[n++] = word[i];
            }
        }
        return java.util.Arrays.copyOf(out, n);
    }

    /** Writes tokenizer.json and tokenizer_config.json into {@code dir}. */
    public static void write(Result result, Path dir) throws IOException {
        Files.createDirectories(dir);
        JsonObject root = new JsonObject();
        root.addProperty("version", "1.0");
        root.add("truncation", null);
        root.add("padding", null);
        JsonArray added = new JsonArray();
        for (String special : List.of(BOS, EOS)) {
            JsonObject t = new JsonObject();
            t.addProperty("id", result.vocab().get(special));
            t.addProperty("content", special);
            t.addProperty("single_word", false);
            t.addProperty("lstrip", false);
            t.addProperty("rstrip", false);
            t.addProperty("normalized", false);
            t.addProperty("special", true);
            added.add(t);
        }
        root.add("added_tokens", added);
        root.add("normalizer", null);
        root.add("pre_tokenizer", byteLevel());
        root.add("post_processor", null);
        root.add("decoder", byteLevel());
        JsonObject model = new JsonObject();
        model.addProperty("type", "BPE");
        model.add("dropout", null);
        model.add("unk_token", null);
        model.add("continuing_subword_prefix", null);
        model.add("end_of_word_suffix", null);
        model.addProperty("fuse_unk", false);
        model.addProperty("byte_fallback", false);
        JsonObject vocab = new JsonObject();
        result.vocab().forEach(vocab::addProperty);
        model.add("vocab", vocab);
        JsonArray merges = new JsonArray();
        for (String[] m : result.merges()) {
            merges.add(m[0] + " " + m[1]);
        }
        model.add("merges", merges);
        root.add("model", model);
        var gson = new GsonBuilder().serializeNulls().disableHtmlEscaping().create();
        Files.writeString(dir.resolve("tokenizer.json"), gson.toJson(root));
        JsonObject config = new JsonObject();
        config.addProperty("bos_token", BOS);
        config.addProperty("eos_token", EOS);
        config.addProperty("add_bos_token", true);
        config.addProperty("add_eos_token", false);
        config.addProperty("tokenizer_class", "PreTrainedTokenizerFast");
        Files.writeString(dir.resolve("tokenizer_config.json"), gson.toJson(config));
    }

    private static JsonObject byteLevel() {
        JsonObject o = new JsonObject();
        o.addProperty("type", "ByteLevel");
        o.addProperty("add_prefix_space", false);
        o.addProperty("trim_offsets", true);
        o.addProperty("use_regex", true);
        return o;
    }
}
