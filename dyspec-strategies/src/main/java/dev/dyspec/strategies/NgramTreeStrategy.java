package dev.dyspec.strategies;

import dev.dyspec.api.ContextNgrams;
import dev.dyspec.api.DrawMode;
import dev.dyspec.api.DraftHandle;
import dev.dyspec.api.SamplingParams;
import dev.dyspec.api.StrategyOptions;
import dev.dyspec.api.TokenTree;
import dev.dyspec.api.TreeBuilder;
import dev.dyspec.api.TreeStrategy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.random.RandomGenerator;

/**
 * Trees without a draft model: where the current suffix (up to 4 tokens) occurred earlier in the
 * request's own context, the tokens that followed each occurrence form a trie of proposals, and the
 * budget goes to its most frequent branches first (a node's value: the share of occurrences through it).
 * Proposals are not drawn from a distribution, so they enter the tree as chosen point masses: the
 * verifier accepts one with the target's probability of it, which keeps the output the target's.
 */
public final class NgramTreeStrategy implements TreeStrategy {

    public static final String NAME = "ngram-tree";
    /** Earlier occurrences of the suffix looked at per step (the most recent ones). */
    static final int MAX_OCCURRENCES = 16;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean usesDraft() {
        return false;
    }

    @Override
    public void validate(StrategyOptions options, int maxBudget) {
        Draws.checkBudget(options.budget(), maxBudget);
    }

    @Override
    public TokenTree grow(DraftHandle draft, int rootToken, StrategyOptions options, SamplingParams params,
                          RandomGenerator random) {
        TreeBuilder tree = TreeBuilder.rooted(rootToken);
        List<ContextNgrams.Continuation> found = draft.context().continuations(MAX_OCCURRENCES, options.budget());
        if (found.isEmpty()) {
            return tree.build();
        }
        Trie trie = new Trie();
        for (ContextNgrams.Continuation c : found) {
            trie.add(c.tokens(), draft.vocabSize());
        }
        double total = found.size();
        // best-first over the trie: a node can be added once its parent is in the tree
        // most occurrences first; among equals the shallower, then the earlier seen
        PriorityQueue<Trie> frontier = new PriorityQueue<>(java.util.Comparator.<Trie>comparingInt(t -> -t.count)
                .thenComparingInt(t -> t.depth).thenComparingInt(t -> t.order));
        trie.treeIndex = 0;
        frontier.addAll(trie.children.values());
        int nodes = 0;
        while (nodes < options.budget() && !frontier.isEmpty()) {
            Trie next = frontier.poll();
            int parent = next.parent.treeIndex;
            if (tree.childCount(parent) == 0) {
                tree.recordDraw(parent, next.parent.distribution(draft.vocabSize()), DrawMode.CHOSEN);
            }
            next.treeIndex = tree.addChild(parent, next.token, next.count / total);
            nodes++;
            frontier.addAll(next.children.values());
        }
        return tree.build();
    }

    /** Continuations merged by prefix; {@code count} occurrences pass through each node. */
    private static final class Trie {
        final Trie parent;
        final int token;
        final int depth;
        final int order;
        int count;
        int treeIndex = -1; // the node's index in the token tree once placed
        final Map<Integer, Trie> children = new LinkedHashMap<>();

        Trie() {
            this(null, -1);
        }

        private Trie(Trie parent, int token) {
            this.parent = parent;
            this.token = token;
            this.depth = parent == null ? 0 : parent.depth + 1;
            this.order = parent == null ? 0 : parent.children.size();
        }

        void add(int[] tokens, int vocab) {
            Trie node = this;
            for (int t : tokens) {
                if (t < 0 || t >= vocab) {
                    return;
                }
                Trie child = node.children.get(t);
                if (child == null) {
                    child = new Trie(node, t);
                    node.children.put(t, child);
                }
                child.count++;
                node = child;
            }
        }

        /** The children's shares of the occurrences: what the proposals were chosen from, for the statistics. */
        float[] distribution(int vocab) {
            float[] d = new float[vocab];
            int sum = children.values().stream().mapToInt(c -> c.count).sum();
            for (Trie c : children.values()) {
                if (c.token < vocab) {
                    d[c.token] = (float) c.count / sum;
                }
            }
            return d;
        }
    }

    @Override
    public String toString() {
        return name();
    }
}
