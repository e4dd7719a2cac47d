package dev.dyspec.strategies;

import dev.dyspec.api.ContextEvidence;
import dev.dyspec.api.ContextNgrams;
import dev.dyspec.api.DraftHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The tokens that followed earlier occurrences of the current suffix in the request's own context,
 * merged by prefix: each node counts the occurrences that pass through it. What n-gram proposals are
 * made from.
 */
final class ContextTrie {

    /** Earlier occurrences of the suffix looked at per step (the most recent ones). */
    static final int MAX_OCCURRENCES = 16;

    final ContextTrie parent;
    final int token;
    final int depth;
    /** Place among its siblings, in the order first seen (most recent occurrence first). */
    final int order;
    /** Tokens of the suffix that matched at the root (the same for every occurrence found). */
    private final int matchLength;
    /** (continuations, tokens) what followed each occurrence; shared by every node of one trie. */
    private final int[][] continuations;
    /** Indices of the continuations whose first {@code depth} tokens spell this node's path. */
    private final int[] through;
    private final int vocab;
    /**
     * Built when first asked for: a tree grown from the trie reaches a few of its nodes (the root's children
     * every step, deeper ones only below accepted proposals), so building all of them up front was waste.
     */
    private List<ContextTrie> children;

    private ContextTrie(ContextTrie parent, int token, int order, int matchLength, int[][] continuations,
                        int[] through, int vocab) {
        this.parent = parent;
        this.token = token;
        this.depth = parent == null ? 0 : parent.depth + 1;
        this.order = order;
        this.matchLength = matchLength;
        this.continuations = continuations;
        this.through = through;
        this.vocab = vocab;
    }

    /** The continuations of the context's current suffix, up to {@code maxDepth} tokens each. */
    static ContextTrie of(DraftHandle draft, int maxDepth) {
        List<ContextNgrams.Continuation> found = draft.context().continuations(MAX_OCCURRENCES, maxDepth);
        int[][] continuations = new int[found.size()][];
        int[] all = new int[found.size()];
        for (int c = 0; c < continuations.length; c++) {
            continuations[c] = found.get(c).tokens();
            all[c] = c;
        }
        return new ContextTrie(null, -1, 0, found.isEmpty() ? 0 : found.get(0).matchLength(), continuations, all,
                draft.vocabSize());
    }

    /** The next tokens after this node's path, each a node counting the continuations through it. */
    List<ContextTrie> children() {
        if (children == null) {
            children = new ArrayList<>(2);
            int[] next = new int[through.length];
            boolean[] grouped = new boolean[through.length];
            for (int i = 0; i < through.length; i++) {
                int t = tokenAt(through[i]);
                if (grouped[i] || t < 0) {
                    continue;
                }
                int count = 0;
                for (int j = i; j < through.length; j++) {
                    if (!grouped[j] && tokenAt(through[j]) == t) {
                        grouped[j] = true;
                        next[count++] = through[j];
                    }
                }
                children.add(new ContextTrie(this, t, children.size(), matchLength, continuations,
                        Arrays.copyOf(next, count), vocab));
            }
        }
        return children;
    }

    /**
     * The token continuation c has after this node's path (whose tokens were checked on the way down); -1
     * where it ends, or leaves the vocabulary, which ends it there.
     */
    private int tokenAt(int c) {
        int[] tokens = continuations[c];
        if (depth >= tokens.length || tokens[depth] < 0 || tokens[depth] >= vocab) {
            return -1;
        }
        return tokens[depth];
    }

    int count() {
        return through.length;
    }

    /** Occurrences through this node out of all found: the share of the context that predicts this path. */
    double shareOfAll() {
        ContextTrie root = this;
        while (root.parent != null) {
            root = root.parent;
        }
        return (double) count() / root.count();
    }

    /** Why this token is proposed: the suffix matched so far along the path, and its share after its parent. */
    ContextEvidence evidence() {
        return new ContextEvidence(matchLength + depth - 1, (double) count() / parent.count());
    }
}
