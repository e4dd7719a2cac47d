package dev.dyspec.strategies;

import dev.dyspec.api.AcceptanceEstimator;
import dev.dyspec.api.BatchCompany;
import dev.dyspec.api.ContextEvidence;
import dev.dyspec.api.DraftHandle;
import dev.dyspec.api.SamplingParams;
import dev.dyspec.api.StrategyOptions;
import dev.dyspec.api.TokenTree;
import dev.dyspec.api.TreeBuilder;
import dev.dyspec.api.TreeCost;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.random.RandomGenerator;

/**
 * One tree grown by DySpec's Algorithm 1: a max-heap of candidates, each the next child of a node. A
 * node's remaining value R (its own value times Π(1 − a) over the children it has so far) is the
 * probability that verification reaches its next child. A draw from the node's residual draft
 * distribution adds a child of value R·a(r); with context proposals, a token that followed the current
 * suffix earlier in the request adds a child of value R·a_ctx (a point mass). Candidates whose node
 * changed since they were queued are re-valued when they reach the top.
 *
 * <p>Nodes added in one round share a draft forward. A round takes up to b draws, and stops early when a
 * child of a node added in it could be worth more than the next candidate — so expanding several nodes
 * per forward keeps the tree as deep as b = 1 would. With adaptive size a node is added only while it
 * raises expected tokens per second ({@link SizeRule}), and a forward runs only if what it brings could
 * still be added.
 */
final class DySpecGrowth {

    /**
     * The next child of {@code node}: a draw from its draft distribution, or (proposal non-null) a token
     * from the context. {@code key} orders the heap; {@code version} is the node's when the key was computed.
     */
    private record Candidate(int node, ContextTrie proposal, double key, int version, long order) {
    }

    /** What the growth knows of one tree node: one object, not a boxed value per list per node. */
    private static final class Node {
        double remaining;                      // R
        int version;                           // bumped when R or the residual changes
        Residual residual;                     // null until expanded
        Map<Integer, ContextTrie> proposals;   // token -> pending proposal; null until one is offered

        Node(double remaining) {
            this.remaining = remaining;
        }

        ContextTrie proposal(int token) {
            return proposals == null ? null : proposals.get(token);
        }

        ContextTrie takeProposal(int token) {
            return proposals == null ? null : proposals.remove(token);
        }

        void addProposal(ContextTrie proposal) {
            if (proposals == null) {
                proposals = new HashMap<>();
            }
            proposals.put(proposal.token, proposal);
        }
    }

    private static final Comparator<Candidate> BEST_FIRST =
            Comparator.comparingDouble(Candidate::key).reversed().thenComparingLong(Candidate::order);

    private final DraftHandle draft;
    private final StrategyOptions options;
    private final SamplingParams params;
    private final RandomGenerator random;
    private final AcceptanceEstimator estimator;
    private final TreeCost cost;            // null unless adaptive
    private final BatchCompany company;     // what shares the target forward with this tree
    private final boolean byExpectedValue;  // false: the paper's order, by R alone
    private final double maxAcceptance;     // a(1): no child can be worth more than R·a(1)

    private final TreeBuilder tree;
    private final List<Node> state = new ArrayList<>();           // (nodes)
    private final PriorityQueue<Candidate> heap = new PriorityQueue<>(BEST_FIRST);
    private long order;
    private int nodes;
    private int forwards;
    private double valueSum;

    DySpecGrowth(DraftHandle draft, int rootToken, StrategyOptions options, SamplingParams params, RandomGenerator random,
                 AcceptanceEstimator estimator, TreeCost cost, boolean byExpectedValue) {
        this.draft = draft;
        this.options = options;
        this.params = params;
        this.random = random;
        this.estimator = estimator;
        this.cost = cost;
        this.company = draft.company();
        this.byExpectedValue = byExpectedValue;
        this.maxAcceptance = estimator.acceptance(1.0, 1, params);
        this.tree = TreeBuilder.rooted(rootToken);
        track(1.0);
    }

    /** Offers the context's continuations of the current suffix as candidates below the root. */
    DySpecGrowth withContextProposals() {
        offer(0, ContextTrie.of(draft, options.budget()));
        return this;
    }

    TokenTree grow() {
        int budget = options.budget();
        List<Integer> pending = new ArrayList<>(List.of(0)); // added, not yet run through the draft
        if (cost != null) {
            // context proposals need no draft forward: those that pay go in first, so the first forward is judged
            // by what they leave to draw (R·a(1) after them) and runs once for the root and them together
            pending.addAll(contextRound());
        }
        while (nodes < budget) {
            if (!pending.isEmpty() && forwardMayPay(pending)) {
                expand(pending);
            }
            pending = new ArrayList<>();
            int draws = 0;
            double childBound = 0; // the most a child of this round's nodes could be worth, in heap-key units
            while (nodes < budget) {
                Candidate best = freshBest();
                if (best == null || best.key() < childBound
                        || (best.proposal() == null && draws >= options.expansionsPerForward())) {
                    break;
                }
                if (cost != null && !SizeRule.worthAdding(expectedValue(best), valueSum, nodes, forwards,
                        pending.isEmpty(), cost, company)) {
                    break;
                }
                heap.poll();
                int child = best.proposal() == null ? draw(best.node()) : propose(best.node(), best.proposal());
                if (child < 0) {
                    continue;
                }
                draws += best.proposal() == null ? 1 : 0;
                pending.add(child);
                double childRemaining = state.get(child).remaining;
                childBound = Math.max(childBound, byExpectedValue ? childRemaining * maxAcceptance : childRemaining);
            }
            if (pending.isEmpty()) {
                break;
            }
        }
        return tree.build();
    }

    /** Before any draft forward only proposals are queued: adds those that pay, best first. */
    private List<Integer> contextRound() {
        List<Integer> added = new ArrayList<>();
        while (nodes < options.budget()) {
            Candidate best = freshBest();
            if (best == null || best.proposal() == null
                    || !SizeRule.worthAdding(expectedValue(best), valueSum, nodes, forwards, false, cost, company)) {
                break;
            }
            heap.poll();
            int child = propose(best.node(), best.proposal());
            if (child >= 0) {
                added.add(child);
            }
        }
        return added;
    }

    /** Whether a child of a pending node could still be added: otherwise their draft forward is waste. */
    private boolean forwardMayPay(List<Integer> pending) {
        if (nodes >= options.budget()) {
            return false;
        }
        if (cost == null) {
            return true;
        }
        for (int node : pending) {
            if (SizeRule.worthAdding(state.get(node).remaining * maxAcceptance, valueSum, nodes, forwards, true, cost,
                    company)) {
                return true;
            }
        }
        return false;
    }

    private void expand(List<Integer> pending) {
        // ancestors whose forward the size rule skipped go along: a node is scored after its ancestors,
        // and they come first (a parent's index is below its child's)
        boolean[] row = new boolean[state.size()];
        int count = 0;
        for (int node : pending) {
            for (int a = node; a >= 0 && !row[a] && (a == node || state.get(a).residual == null); a = tree.parent(a)) {
                row[a] = true;
                count++;
            }
        }
        int[] expand = new int[count];
        for (int node = 0, at = 0; at < count; node++) {
            if (row[node]) {
                expand[at++] = node;
            }
        }
        float[][] dists = draft.expand(tree, expand);
        forwards++;
        for (int i = 0; i < expand.length; i++) {
            int node = expand[i];
            tree.recordDraw(node, dists[i], Draws.mode(params));
            Residual residual = new Residual(dists[i]);
            for (int child : tree.children(node)) {
                residual.markDrawn(tree.token(child)); // context proposals already below it
            }
            state.get(node).residual = residual;
            if (!residual.exhausted()) {
                push(node, null);
            }
        }
    }

    /** Draws the next child of {@code node} from its residual draft distribution. */
    private int draw(int node) {
        Residual residual = state.get(node).residual;
        double before = residual.remaining();
        int token = Draws.next(residual, params, random);
        double accept = estimator.acceptance(residual.original(token) / before, tree.depth(node) + 1, params);
        int child = add(node, tree.addChild(node, token, state.get(node).remaining * accept), accept);
        ContextTrie same = state.get(node).takeProposal(token);
        if (same != null) {
            offer(child, same); // the context's continuation of this token goes on below the drawn child
        }
        if (!residual.exhausted()) {
            push(node, null);
        }
        return child;
    }

    /** Adds a token proposed from the context below {@code node}; -1 if it is no longer pending there. */
    private int propose(int node, ContextTrie proposal) {
        if (state.get(node).proposal(proposal.token) != proposal) {
            return -1;
        }
        state.get(node).takeProposal(proposal.token);
        ContextEvidence why = proposal.evidence();
        double accept = estimator.contextAcceptance(why, params);
        int child = add(node, tree.addContextChild(node, proposal.token, state.get(node).remaining * accept, why), accept);
        Residual residual = state.get(node).residual;
        if (residual != null) {
            residual.markDrawn(proposal.token); // later draws leave it out, as the verifier assumes
        }
        offer(child, proposal);
        return child;
    }

    private int add(int node, int child, double accept) {
        Node parent = state.get(node);
        double value = parent.remaining * accept;
        valueSum += value;
        nodes++;
        parent.remaining *= 1 - accept;
        parent.version++;
        track(value);
        return child;
    }

    private void track(double value) {
        state.add(new Node(value));
    }

    /** Queues the context's continuations after {@code trieNode} as candidates below tree node {@code node}. */
    private void offer(int node, ContextTrie trieNode) {
        for (ContextTrie next : trieNode.children()) {
            int existing = tree.childWithToken(node, next.token);
            if (existing >= 0) {
                offer(existing, next); // already drawn there: its continuation goes on below it
            } else {
                state.get(node).addProposal(next);
                push(node, next);
            }
        }
    }

    private void push(int node, ContextTrie proposal) {
        heap.add(new Candidate(node, proposal, key(node, proposal), state.get(node).version, order++));
    }

    /** The best candidate whose key is current, re-valuing stale ones on the way; null when none is left. */
    private Candidate freshBest() {
        while (!heap.isEmpty()) {
            Candidate top = heap.peek();
            boolean gone = top.proposal() == null ? state.get(top.node()).residual.exhausted()
                    : state.get(top.node()).proposal(top.proposal().token) != top.proposal();
            if (gone) {
                heap.poll();
            } else if (top.version() != state.get(top.node()).version) {
                heap.poll(); // each node has at most one draw queued, so re-queueing never doubles it
                push(top.node(), top.proposal());
            } else {
                return top;
            }
        }
        return null;
    }

    private double key(int node, ContextTrie proposal) {
        if (!byExpectedValue) {
            return state.get(node).remaining;
        }
        if (proposal != null) {
            return expectedValue(node, proposal);
        }
        // keys are recomputed whenever a node changes: no pass over the vocabulary for each
        Node at = state.get(node);
        return at.remaining * at.residual.typicalAcceptance(estimator, tree.depth(node) + 1, params);
    }

    private double expectedValue(Candidate c) {
        return expectedValue(c.node(), c.proposal());
    }

    /** R times the expected acceptance of the child the candidate would add, known before any draw. */
    private double expectedValue(int node, ContextTrie proposal) {
        if (proposal != null) {
            return state.get(node).remaining * estimator.contextAcceptance(proposal.evidence(), params);
        }
        Node at = state.get(node);
        return at.remaining * at.residual.expectedAcceptance(estimator, tree.depth(node) + 1, params);
    }
}
