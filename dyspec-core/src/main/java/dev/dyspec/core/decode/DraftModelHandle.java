package dev.dyspec.core.decode;

import dev.dyspec.api.BatchCompany;
import dev.dyspec.api.ContextNgrams;
import dev.dyspec.api.DraftHandle;
import dev.dyspec.api.SamplingParams;
import dev.dyspec.api.TreeBuilder;
import dev.dyspec.core.model.CausalLm;
import dev.dyspec.core.model.KvCache;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The draft model of one generation, as a {@link DraftHandle}. Between steps its cache holds the
 * sequence except the tokens still pending: tokens emitted but never run through the draft (the
 * prompt at first, later an accepted leaf that was never expanded). Pending tokens ride along in the
 * first draft forward of the next step, so they cost no forward of their own.
 */
final class DraftModelHandle implements DraftHandle, AutoCloseable {

    private final CausalLm lm;
    private final KvCache cache;
    private final SamplingParams params;
    private final Map<Integer, Integer> slotOfNode = new HashMap<>(); // tree-builder node -> scratch slot
    private int[] pending;
    private int pendingSlots; // pending tokens already written to the scratch region this step, at slots [0, pendingSlots)
    private TreeBuilder currentTree;
    private long forwards;
    private long nanos;
    private final java.util.function.Supplier<ContextNgrams> context;
    private BatchCompany company = BatchCompany.ALONE;
    private final LogitAdjuster adjuster;
    private DraftForwarder forwarder;
    private boolean stepped;

    DraftModelHandle(CausalLm lm, KvCache cache, SamplingParams params, int[] prefix,
                     java.util.function.Supplier<ContextNgrams> context, LogitAdjuster adjuster) {
        this.context = context;
        this.adjuster = adjuster;
        this.lm = lm;
        this.cache = cache;
        this.params = params;
        this.pending = prefix.clone();
    }

    @Override
    public int vocabSize() {
        return lm.scoredVocab();
    }

    @Override
    public ContextNgrams context() {
        return context.get();
    }

    @Override
    public BatchCompany company() {
        return company;
    }

    @Override
    public float[][] expand(TreeBuilder tree, int[] nodes) {
        long start = System.nanoTime();
        if (currentTree == null) {
            currentTree = tree;
        } else if (tree != currentTree) {
            throw new IllegalStateException("expand called with a tree other than the one of this step");
        }
        int lead = slotOfNode.isEmpty() ? pending.length : 0; // pending tokens join the step's first forward
        int n = lead + nodes.length;
        int scratch = cache.scratch();
        int[] tokens = new int[n];
        int[] positions = new int[n];
        boolean[][] attend = new boolean[n][scratch + n];
        int rootPosition = cache.committed() + pending.length;
        Map<Integer, Integer> rowOfNode = new HashMap<>(); // nodes of this call: an ancestor may come earlier in it
        for (int i = 0; i < nodes.length; i++) {
            rowOfNode.put(nodes[i], lead + i);
        }
        for (int i = 0; i < lead; i++) {
            tokens[i] = pending[i];
            positions[i] = cache.committed() + i;
            for (int j = 0; j <= i; j++) {
                attend[i][scratch + j] = true;
            }
        }
        for (int i = 0; i < nodes.length; i++) {
            int node = nodes[i];
            int row = lead + i;
            tokens[row] = tree.token(node);
            positions[row] = rootPosition + tree.depth(node);
            for (int j = 0; j < pendingSlots; j++) {
                attend[row][j] = true;
            }
            for (int j = 0; j < lead; j++) {
                attend[row][scratch + j] = true;
            }
            attend[row][scratch + row] = true;
            for (int a = tree.parent(node); a >= 0; a = tree.parent(a)) {
                Integer slot = slotOfNode.get(a);
                Integer sameCall = rowOfNode.get(a);
                if (slot != null) {
                    attend[row][slot] = true;
                } else if (sameCall != null && sameCall < row) {
                    attend[row][scratch + sameCall] = true;
                } else {
                    throw new IllegalStateException("node " + node + " expanded before its ancestor " + a);
                }
            }
        }
        float[][] logits = forwarder.forward(new CausalLm.Rows(cache, tokens, positions, attend));
        forwards++;
        pendingSlots += lead;
        for (int i = 0; i < nodes.length; i++) {
            slotOfNode.put(nodes[i], scratch + lead + i);
        }
        float[][] dists = new float[nodes.length][];
        for (int i = 0; i < nodes.length; i++) {
            if (adjuster.active()) {
                adjuster.adjust(logits[lead + i], LogitAdjuster.pathTokens(nodes[i], tree::parent, tree::token));
            }
            dists[i] = Distributions.of(logits[lead + i], params);
        }
        nanos += System.nanoTime() - start;
        return dists;
    }

    /**
     * Runs prompt tokens into the cache before the first step (chunked prefill), after the prompt tokens
     * still pending (those the target found cached and the draft did not).
     */
    void prefill(int[] tokens) {
        if (stepped || cache.scratch() > 0) {
            throw new IllegalStateException("draft prefill after a step began");
        }
        long start = System.nanoTime();
        lm.prefill(cache, concat(pending, tokens));
        pending = new int[0];
        nanos += System.nanoTime() - start;
    }

    /**
     * Starts a step; the first tree expanded belongs to it.
     *
     * @param forwarder runs this step's expansions, alone or batched with other generations'
     * @param company   what shares this step's target forward, for strategies that size their tree by cost
     */
    void beginStep(DraftForwarder forwarder, BatchCompany company) {
        stepped = true;
        this.forwarder = forwarder;
        this.company = company;
        currentTree = null;
        slotOfNode.clear();
        pendingSlots = 0;
        cache.discardScratch();
    }

    /**
     * Ends a step: the accepted path (tree-builder nodes, root first) becomes part of the sequence.
     * Its expanded prefix is kept in the cache; the rest waits as pending tokens.
     */
    void commit(int[] acceptedPath, int[] acceptedTokens) {
        if (slotOfNode.isEmpty()) {
            // Nothing ran this step (a strategy without a draft): the path joins the pending tokens.
            pending = concat(pending, acceptedTokens);
            return;
        }
        int lead = pendingSlots;
        int expanded = 0;
        while (expanded < acceptedPath.length && slotOfNode.containsKey(acceptedPath[expanded])) {
            expanded++;
        }
        int[] keep = new int[lead + expanded];
        for (int i = 0; i < lead; i++) {
            keep[i] = i;
        }
        for (int i = 0; i < expanded; i++) {
            keep[lead + i] = slotOfNode.get(acceptedPath[i]);
        }
        cache.keep(keep);
        pending = Arrays.copyOfRange(acceptedTokens, expanded, acceptedTokens.length);
        slotOfNode.clear();
        pendingSlots = 0;
        currentTree = null;
    }

    KvCache cache() {
        return cache;
    }

    long forwards() {
        return forwards;
    }

    long nanos() {
        return nanos;
    }

    private static int[] concat(int[] a, int[] b) {
        int[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    @Override
    public void close() {
        cache.close();
    }
}
