package dev.dyspec.strategies;

import dev.dyspec.api.AcceptanceEstimator;
import dev.dyspec.api.DraftHandle;
import dev.dyspec.api.SamplingParams;
import dev.dyspec.api.StrategyOptions;
import dev.dyspec.api.TokenTree;
import dev.dyspec.api.TreeBuilder;
import dev.dyspec.api.TreeCost;
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
 * <p>
 * With adaptive size a proposal is added only while it pays for its row ({@link SizeRule}, no draft forwards):
 * its value is R·a_ctx, a_ctx the acceptance the estimator learned for context proposals of its match length
 * and share at the request's temperature. Without it the budget is always spent: at T = 1 on the shipped
 * target that made the strategy 0.51× target-only (τ 1.04 for 2.4 nodes).
 */
public final class NgramTreeStrategy implements TreeStrategy {

    public static final String NAME = "ngram-tree";

    private final AcceptanceEstimator estimator; // a_ctx of a proposal
    private final TreeCost cost;                 // null: no adaptive size

    /** Without adaptive size. */
    public NgramTreeStrategy() {
        this(AcceptanceEstimator.IDENTITY, null);
    }

    /**
     * @param estimator what context proposals are accepted with (learned per temperature band)
     * @param cost      the step cost by tree size, used when a request asks for adaptive size; may be null
     */
    public NgramTreeStrategy(AcceptanceEstimator estimator, TreeCost cost) {
        this.estimator = estimator;
        this.cost = cost;
    }

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
        if (options.adaptiveSize() && cost == null) {
            throw new IllegalArgumentException("strategy '" + NAME + "' has no cost model for adaptive size");
        }
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
        TreeCost adaptive = options.adaptiveSize() ? cost : null;
        AcceptanceEstimator view = adaptive != null ? estimator.snapshot() : null;
        Map<ContextTrie, Double> remaining = new HashMap<>(); // R: the chance verification reaches a node's next child
        remaining.put(trie, 1.0);
        double valueSum = 0;
        int nodes = 0;
        while (nodes < options.budget() && !frontier.isEmpty()) {
            ContextTrie next = frontier.poll();
            if (adaptive != null) {
                // candidates come most frequent first: the first that does not pay ends the tree
                double a = view.contextAcceptance(next.evidence(), params);
                double reach = remaining.get(next.parent);
                double value = reach * a;
                if (!SizeRule.worthAdding(value, valueSum, nodes, 0, false, adaptive, draft.company())) {
                    break;
                }
                remaining.put(next.parent, reach * (1 - a)); // later siblings count only if this one is rejected
                remaining.put(next, value);
                valueSum += value;
            }
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
