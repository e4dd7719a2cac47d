package dev.dyspec.api;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A token tree while a strategy grows it. Nodes are numbered in the order they are added (node 0 is
 * the root); {@link #build()} returns the same tree in depth-first order.
 */
public final class TreeBuilder {

    private final List<Integer> parents = new ArrayList<>();
    private final List<Integer> tokens = new ArrayList<>();
    private final List<Integer> depths = new ArrayList<>();
    private final List<Double> values = new ArrayList<>();
    private final List<List<Integer>> children = new ArrayList<>();
    private final List<float[]> distributions = new ArrayList<>();
    private final List<DrawMode> drawModes = new ArrayList<>();
    private final List<ContextEvidence> evidence = new ArrayList<>(); // null: drawn from the parent's draft distribution

    private TreeBuilder(int rootToken) {
        append(-1, rootToken, 0, 1.0);
    }

    public static TreeBuilder rooted(int rootToken) {
        return new TreeBuilder(rootToken);
    }

    /**
     * Records the distribution the children of {@code node} are drawn from, and how. Must be called
     * once, before the node's first drawn child is added (children proposed from the context may come
     * first: those tokens must then be left out of the distribution when drawing).
     */
    public void recordDraw(int node, float[] distribution, DrawMode mode) {
        checkNode(node);
        if (distributions.get(node) != null) {
            throw new IllegalStateException("node " + node + " already has a draw distribution");
        }
        for (int child : children.get(node)) {
            if (evidence.get(child) == null) {
                throw new IllegalStateException("node " + node + " has drawn children recorded before its distribution");
            }
        }
        distributions.set(node, distribution);
        drawModes.set(node, mode);
    }

    /** Adds a child of {@code parent} with the given token and estimated value; returns its index. */
    public int addChild(int parent, int token, double value) {
        checkNode(parent);
        if (distributions.get(parent) == null) {
            throw new IllegalStateException("record the draw distribution of node " + parent + " before adding children");
        }
        return attach(parent, token, value, null);
    }

    /**
     * Adds a child proposed from the request's context rather than drawn from the draft: the verifier
     * treats it as a point mass, and its outcome teaches the acceptance of such proposals. Later children
     * of {@code parent} drawn from its distribution must leave this token out.
     */
    public int addContextChild(int parent, int token, double value, ContextEvidence why) {
        checkNode(parent);
        return attach(parent, token, value, java.util.Objects.requireNonNull(why, "evidence"));
    }

    /** The child of {@code parent} with that token, or -1. */
    public int childWithToken(int parent, int token) {
        checkNode(parent);
        for (int child : children.get(parent)) {
            if (tokens.get(child) == token) {
                return child;
            }
        }
        return -1;
    }

    private int attach(int parent, int token, double value, ContextEvidence why) {
        if (childWithToken(parent, token) >= 0) {
            throw new IllegalArgumentException("node " + parent + " already has a child with token " + token);
        }
        int id = append(parent, token, depths.get(parent) + 1, value);
        evidence.set(id, why);
        children.get(parent).add(id);
        return id;
    }

    private int append(int parent, int token, int depth, double value) {
        parents.add(parent);
        tokens.add(token);
        depths.add(depth);
        values.add(value);
        children.add(new ArrayList<>());
        distributions.add(null);
        drawModes.add(null);
        evidence.add(null);
        return parents.size() - 1;
    }

    private void checkNode(int node) {
        if (node < 0 || node >= parents.size()) {
            throw new IndexOutOfBoundsException("no node " + node + " in a tree of " + parents.size());
        }
    }

    public int size() {
        return parents.size();
    }

    public int parent(int node) {
        return parents.get(node);
    }

    public int token(int node) {
        return tokens.get(node);
    }

    public int depth(int node) {
        return depths.get(node);
    }

    public double value(int node) {
        return values.get(node);
    }

    public int childCount(int node) {
        return children.get(node).size();
    }

    /** The children of {@code node} in the order they were added. */
    public int[] children(int node) {
        checkNode(node);
        return renumbered(children.get(node), null);
    }

    /** The path from the root to {@code node}, both included. */
    public int[] pathTo(int node) {
        int[] path = new int[depth(node) + 1];
        for (int n = node, i = path.length - 1; n >= 0; n = parent(n), i--) {
            path[i] = n;
        }
        return path;
    }

    /** The tree in depth-first order, children in the order they were drawn. */
    public TokenTree build() {
        int n = size();
        int[] order = new int[n];
        int[] newIndex = new int[n];
        int count = 0;
        int[] stack = new int[n];
        int top = 0;
        stack[top++] = 0;
        while (top > 0) {
            int node = stack[--top];
            newIndex[node] = count;
            order[count++] = node;
            List<Integer> kids = children.get(node);
            for (int i = kids.size() - 1; i >= 0; i--) {
                stack[top++] = kids.get(i);
            }
        }
        int[] parent = new int[n];
        int[] token = new int[n];
        int[] depth = new int[n];
        double[] value = new double[n];
        int[][] kidsOut = new int[n][];
        float[][] dist = new float[n][];
        DrawMode[] modes = new DrawMode[n];
        ContextEvidence[] why = new ContextEvidence[n];
        for (int i = 0; i < n; i++) {
            int old = order[i];
            parent[i] = parents.get(old) < 0 ? -1 : newIndex[parents.get(old)];
            token[i] = tokens.get(old);
            depth[i] = depths.get(old);
            value[i] = values.get(old);
            kidsOut[i] = renumbered(children.get(old), newIndex);
            dist[i] = distributions.get(old);
            modes[i] = drawModes.get(old);
            why[i] = evidence.get(old);
        }
        return new TokenTree(parent, token, depth, value, kidsOut, dist, modes, why, Arrays.copyOf(order, n));
    }

    /**
     * The nodes as an array, each through {@code newIndex} when given. A loop, not a stream: this runs for
     * every node of every step's tree, between forwards that leave the caches cold.
     */
    private static int[] renumbered(List<Integer> nodes, int[] newIndex) {
        int[] out = new int[nodes.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = newIndex == null ? nodes.get(i) : newIndex[nodes.get(i)];
        }
        return out;
    }
}
