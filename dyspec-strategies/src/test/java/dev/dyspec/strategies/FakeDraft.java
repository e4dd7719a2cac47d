package dev.dyspec.strategies;

import dev.dyspec.api.DraftHandle;
import dev.dyspec.api.TreeBuilder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * A draft whose next-token distribution is a fixed pseudo-random function of the path to the node.
 * Records every forward, so tests can check the expansion contract.
 */
class FakeDraft implements DraftHandle {

    private final int vocab;
    private final double sharpness;
    final List<int[]> forwards = new ArrayList<>();
    final Set<Integer> expanded = new HashSet<>();

    FakeDraft(int vocab, double sharpness) {
        this.vocab = vocab;
        this.sharpness = sharpness;
    }

    @Override
    public float[][] expand(TreeBuilder tree, int[] nodes) {
        forwards.add(nodes.clone());
        float[][] out = new float[nodes.length][];
        for (int i = 0; i < nodes.length; i++) {
            int node = nodes[i];
            if (node != 0 && !expanded.contains(tree.parent(node))) {
                throw new AssertionError("node " + node + " expanded before its parent");
            }
            if (!expanded.add(node)) {
                throw new AssertionError("node " + node + " expanded twice");
            }
            long seed = 17;
            for (int n : tree.pathTo(node)) {
                seed = seed * 31 + tree.token(n);
            }
            Random r = new Random(seed);
            double[] logits = new double[vocab];
            double sum = 0;
            for (int t = 0; t < vocab; t++) {
                logits[t] = Math.exp(sharpness * r.nextGaussian());
                sum += logits[t];
            }
            out[i] = new float[vocab];
            for (int t = 0; t < vocab; t++) {
                out[i][t] = (float) (logits[t] / sum);
            }
        }
        return out;
    }

    @Override
    public int vocabSize() {
        return vocab;
    }
}
