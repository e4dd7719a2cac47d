package dev.dyspec.strategies;

import dev.dyspec.api.DraftHandle;
import dev.dyspec.api.SamplingParams;
import dev.dyspec.api.StrategyOptions;
import dev.dyspec.api.TokenTree;
import dev.dyspec.api.TreeBuilder;
import dev.dyspec.api.TreeStrategy;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.random.RandomGenerator;

/**
 * Trees without a draft model: where the current suffix (up to 4 tokens) occurred earlier in the
 * request's own context, the tokens that followed each occurrence form a trie of proposals, and the
 * budget goes to its most frequent branches first (a node's value: the share of occurrences through it).
 * Proposals are not drawn from a distribution, so they enter the tree as context proposals: point
 * masses the verifier accepts with the target's probability of them, which keeps the output the target's.
 */
public final class NgramTreeStrategy implements TreeStrategy {

    public static final String NAME = "ngram-tree";

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
        ContextTrie trie = ContextTrie.of(draft, options.budget());
        // best-first over the trie: a node can be added once its parent is in the tree;
        // most occurrences first, among equals the shallower, then the earlier seen
        PriorityQueue<ContextTrie> frontier = new PriorityQueue<>(Comparator.<ContextTrie>comparingInt(t -> -t.count())
                .thenComparingInt(t -> t.depth).thenComparingInt(t -> t.order));
        Map<ContextTrie, Integer> placed = new HashMap<>();
        placed.put(trie, 0);
        frontier.addAll(trie.children());
        int nodes = 0;
        while (nodes < options.budget() && !frontier.isEmpty()) {
            ContextTrie next = frontier.poll();
            placed.put(next, tree.addContextChild(placed.get(next.parent), next.token, next.shareOfAll(), next.evidence()));
            nodes++;
            frontier.addAll(next.children());
        }
        return tree.build();
    }

    @Override
    public String toString() {
        return name();
    }
}
