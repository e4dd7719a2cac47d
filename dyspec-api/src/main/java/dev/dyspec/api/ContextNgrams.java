package dev.dyspec.api;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The request's own tokens (prompt and output so far) indexed by their n-grams, updated as tokens are
 * emitted: where the current suffix occurred before, and what followed it. Appending a token costs
 * O(maxN); a lookup looks at a bounded number of the most recent occurrences, so neither grows with the
 * length of the context.
 */
public final class ContextNgrams {

    /** An earlier continuation of the current suffix: the tokens that followed it there. */
    public record Continuation(int matchLength, int[] tokens) {
    }

    private final int maxN;
    private int[] tokens = new int[64];
    private int size;
    // key of the n-gram ending at a position → end positions of its occurrences, oldest first
    private final Occurrences occurrences = new Occurrences();

    /** A growable list of positions. */
    private static final class Positions {
        int[] at = new int[4];
        int size;

        void add(int position) {
            if (size == at.length) {
                at = Arrays.copyOf(at, size * 2);
            }
            at[size++] = position;
        }
    }

    /**
     * N-gram keys to their positions, open addressing on the 64-bit keys themselves: appended to for every
     * emitted token and read every step, where a {@code HashMap<Long, …>} boxed each key.
     */
    private static final class Occurrences {
        private long[] keys = new long[64];
        private Positions[] values = new Positions[64]; // null: an empty slot
        private int size;

        Positions get(long key) {
            for (int slot = slot(key, keys.length); values[slot] != null; slot = (slot + 1) & (keys.length - 1)) {
                if (keys[slot] == key) {
                    return values[slot];
                }
            }
            return null;
        }

        Positions getOrCreate(long key) {
            int slot = slot(key, keys.length);
            for (; values[slot] != null; slot = (slot + 1) & (keys.length - 1)) {
                if (keys[slot] == key) {
                    return values[slot];
                }
            }
            Positions created = new Positions();
            keys[slot] = key;
            values[slot] = created;
            if (++size * 2 > keys.length) {
                grow();
            }
            return created;
        }

        private void grow() {
            long[] oldKeys = keys;
            Positions[] oldValues = values;
            keys = new long[oldKeys.length * 2];
            values = new Positions[oldValues.length * 2];
            for (int i = 0; i < oldKeys.length; i++) {
                if (oldValues[i] != null) {
                    int slot = slot(oldKeys[i], keys.length);
                    while (values[slot] != null) {
                        slot = (slot + 1) & (keys.length - 1);
                    }
                    keys[slot] = oldKeys[i];
                    values[slot] = oldValues[i];
                }
            }
        }

        private static int slot(long key, int capacity) {
            return (int) (key ^ (key >>> 32)) & (capacity - 1);
        }
    }

    /** @param maxN the longest suffix matched (an n-gram of n tokens, 1 ≤ n ≤ maxN) */
    public ContextNgrams(int maxN) {
        if (maxN < 1) {
            throw new IllegalArgumentException("maxN must be at least 1");
        }
        this.maxN = maxN;
    }

    public int size() {
        return size;
    }

    public void append(int[] newTokens) {
        for (int t : newTokens) {
            append(t);
        }
    }

    public void append(int token) {
        if (size == tokens.length) {
            tokens = Arrays.copyOf(tokens, size * 2);
        }
        tokens[size++] = token;
        int end = size - 1;
        // index the n-grams ending one position earlier: their continuation (this token) is now known
        for (int n = 1; n <= maxN && end - n >= 0; n++) {
            occurrences.getOrCreate(key(end - 1, n)).add(end - 1);
        }
    }

    /**
     * Continuations of the longest suffix (up to maxN tokens) that occurred before, most recent
     * occurrence first; each holds up to {@code depth} tokens that followed that occurrence.
     */
    public List<Continuation> continuations(int maxOccurrences, int depth) {
        List<Continuation> out = new ArrayList<>();
        int end = size - 1;
        for (int n = Math.min(maxN, size); n >= 1 && out.isEmpty(); n--) {
            Positions found = occurrences.get(key(end, n));
            for (int k = found == null ? -1 : found.size - 1; k >= 0 && out.size() < maxOccurrences; k--) {
                int at = found.at[k];
                if (!sameNgram(at, end, n)) {
                    continue; // a hash collision
                }
                int length = Math.min(depth, end - at);
                out.add(new Continuation(n, Arrays.copyOfRange(tokens, at + 1, at + 1 + length)));
            }
        }
        return out;
    }

    private boolean sameNgram(int a, int b, int n) {
        for (int i = 0; i < n; i++) {
            if (tokens[a - i] != tokens[b - i]) {
                return false;
            }
        }
        return true;
    }

    /** A 64-bit key of the n tokens ending at {@code end}, with n mixed in. */
    private long key(int end, int n) {
        long h = 0x9E3779B97F4A7C15L * n;
        for (int i = end - n + 1; i <= end; i++) {
            h = (h ^ tokens[i]) * 0xff51afd7ed558ccdL;
            h ^= h >>> 29;
        }
        return h;
    }
}
