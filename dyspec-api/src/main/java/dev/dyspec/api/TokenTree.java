package dev.dyspec.api;

/**
 * A drafted token tree in depth-first order. Node 0 is the root: the last emitted token, which
 * neither cache holds yet. For every expanded node the tree keeps the draft distribution its
 * children were drawn from and how they were drawn, which is what lossless verification needs.
 */
public final class TokenTree {

    private final int[] parent;            // (nodes) -1 for the root
    private final int[] token;             // (nodes)
    private final int[] depth;             // (nodes) root = 0
    private final double[] value;          // (nodes) the strategy's estimate that the node is accepted
    private final int[][] children;        // (nodes, children in draw order)
    private final float[][] distribution;  // (nodes, vocab) or null where the node was not expanded
    private final DrawMode[] drawMode;     // (nodes) or null where the node was not expanded
    private final ContextEvidence[] evidence; // (nodes) null unless proposed from the context (a point mass)
    private final int[] builderIndex;      // (nodes) the node's index in the TreeBuilder that grew it

    TokenTree(int[] parent, int[] token, int[] depth, double[] value, int[][] children,
              float[][] distribution, DrawMode[] drawMode, ContextEvidence[] evidence, int[] builderIndex) {
        this.parent = parent;
        this.token = token;
        this.depth = depth;
        this.value = value;
        this.children = children;
        this.distribution = distribution;
        this.drawMode = drawMode;
        this.evidence = evidence;
        this.builderIndex = builderIndex;
    }

    /** A tree holding only the root: the target-only step. */
    public static TokenTree rootOnly(int rootToken) {
        return TreeBuilder.rooted(rootToken).build();
    }

    public int size() {
        return parent.length;
    }

    /** Draft nodes: every node but the root. */
    public int draftedNodes() {
        return parent.length - 1;
    }

    public int parent(int node) {
        return parent[node];
    }

    public int token(int node) {
        return token[node];
    }

    public int depth(int node) {
        return depth[node];
    }

    public double value(int node) {
        return value[node];
    }

    public int[] children(int node) {
        return children[node].clone();
    }

    public int childCount(int node) {
        return children[node].length;
    }

    public int child(int node, int i) {
        return children[node][i];
    }

    /** The draft distribution the node's children were drawn from; null if none were drawn. */
    public float[] distribution(int node) {
        return distribution[node];
    }

    public DrawMode drawMode(int node) {
        return drawMode[node];
    }

    /** Why the node was proposed from the context; null where it was drawn from its parent's draft distribution. */
    public ContextEvidence evidence(int node) {
        return evidence[node];
    }

    /** Whether the verifier counts the node as a point mass: chosen, or proposed from the context. */
    public boolean isPointMass(int node) {
        return evidence[node] != null || drawMode[parent[node]] == DrawMode.CHOSEN;
    }

    public int builderIndex(int node) {
        return builderIndex[node];
    }

    public int maxDepth() {
        int max = 0;
        for (int d : depth) {
            max = Math.max(max, d);
        }
        return max;
    }

    public int[] tokens() {
        return token.clone();
    }

    /** Whether {@code ancestor} is {@code node} itself or lies on its path to the root. */
    public boolean isAncestorOrSelf(int ancestor, int node) {
        for (int n = node; n >= 0; n = parent[n]) {
            if (n == ancestor) {
                return true;
            }
            if (n < ancestor) {
                return false; // depth-first order puts every ancestor before its descendants
            }
        }
        return false;
    }

    /** mask[i][j]: node i may attend to node j (j is i or one of its ancestors). */
    public boolean[][] ancestorMask() {
        int n = size();
        boolean[][] mask = new boolean[n][n];
        for (int i = 0; i < n; i++) {
            for (int a = i; a >= 0; a = parent[a]) {
                mask[i][a] = true;
            }
        }
        return mask;
    }
}
