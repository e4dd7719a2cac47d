package dev.dyspec.strategies;

import dev.dyspec.api.ContextEvidence;
import dev.dyspec.api.ContextNgrams;
import dev.dyspec.api.DraftHandle;
import java.util.ArrayList;
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
    private int count;
    /** In the order first seen; a list, not a map: a node has a few children, and a trie is built every step. */
    private final List<ContextTrie> children = new ArrayList<>(2);

    private ContextTrie(ContextTrie parent, int token, int matchLength) {
        this.parent = parent;
        this.token = token;
        this.depth = parent == null ? 0 : parent.depth + 1;
        this.order = parent == null ? 0 : parent.children.size();
        this.matchLength = matchLength;
    }

    /** The continuations of the context's current suffix, up to {@code maxDepth} tokens each. */
    static ContextTrie of(DraftHandle draft, int maxDepth) {
        List<ContextNgrams.Continuation> found = draft.context().continuations(MAX_OCCURRENCES, maxDepth);
        ContextTrie root = new ContextTrie(null, -1, found.isEmpty() ? 0 : found.get(0).matchLength());
        for (ContextNgrams.Continuation c : found) {
            root.add(c.tokens(), draft.vocabSize());
        }
        return root;
    }

    private void add(int[] tokens, int vocab) {
        count++;
        ContextTrie node = this;
        for (int t : tokens) {
            if (t < 0 || t >= vocab) {
                return;
            }
            ContextTrie child = node.child(t);
            if (child == null) {
                child = new ContextTrie(node, t, matchLength);
                node.children.add(child);
            }
            child.count++;
            node = child;
        }
    }

    List<ContextTrie> children() {
        return children;
    }

    private ContextTrie child(int token) {
        for (ContextTrie c : children) {
            if (c.token == token) {
                return c;
            }
        }
        return null;
    }

    int count() {
        return count;
    }

    /** Occurrences through this node out of all found: the share of the context that predicts this path. */
    double shareOfAll() {
        ContextTrie root = this;
        while (root.parent != null) {
            root = root.parent;
        }
        return (double) count / root.count;
    }

    /** Why this token is proposed: the suffix matched so far along the path, and its share after its parent. */
    ContextEvidence evidence() {
        return new ContextEvidence(matchLength + depth - 1, (double) count / parent.count);
    }
}
