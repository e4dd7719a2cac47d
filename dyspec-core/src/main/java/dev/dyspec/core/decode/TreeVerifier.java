package dev.dyspec.core.decode;

import dev.dyspec.api.DrawMode;
import dev.dyspec.api.SamplingParams;
import dev.dyspec.api.TokenTree;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Accepts the longest path of a token tree that the target agrees with, leaving the output
 * distribution exactly the target's. Pure Java over float arrays.
 *
 * <p>Greedy: follow the child equal to the target's argmax. Sampling: recursive rejection sampling over
 * a node's children in draw order (SpecInfer): accept child y with probability min(1, p(y)/q(y));
 * otherwise p ← norm(max(p − q, 0)) and, for children sampled without replacement, q[y] ← 0 and q is
 * renormalised; a chosen child counts as a point mass. If no child is accepted the bonus token is
 * drawn from the residual p.
 */
public final class TreeVerifier {

    /**
     * @param targetLogits (tree nodes, vocab) the target's logits at every node, depth-first order
     */
    public Verification verify(TokenTree tree, float[][] targetLogits, SamplingParams params, RandomGenerator random) {
        return params.isGreedy() ? verifyGreedy(tree, targetLogits) : verifySampled(tree, targetLogits, params, random);
    }

    private Verification verifyGreedy(TokenTree tree, float[][] targetLogits) {
        List<Integer> path = new ArrayList<>(List.of(0));
        List<Verification.ChildOutcome> examined = new ArrayList<>();
        int node = 0;
        while (true) {
            int want = Distributions.argmax(targetLogits[node]);
            int next = -1;
            float[] q = tree.distribution(node);
            double remaining = 1.0;
            for (int i = 0; i < tree.childCount(node) && next < 0; i++) {
                int child = tree.child(node, i);
                boolean accepted = tree.token(child) == want;
                double qy = q[tree.token(child)];
                examined.add(new Verification.ChildOutcome(tree.depth(child), qy / Math.max(remaining, 1e-12), accepted));
                remaining -= qy;
                if (accepted) {
                    next = child;
                }
            }
            if (next < 0) {
                return new Verification(toArray(path), want, examined);
            }
            path.add(next);
            node = next;
        }
    }

    private Verification verifySampled(TokenTree tree, float[][] targetLogits, SamplingParams params,
                                       RandomGenerator random) {
        List<Integer> path = new ArrayList<>(List.of(0));
        List<Verification.ChildOutcome> examined = new ArrayList<>();
        int node = 0;
        while (true) {
            double[] p = toDouble(Distributions.of(targetLogits[node], params));
            int accepted = -1;
            if (tree.childCount(node) > 0) {
                boolean sampled = tree.drawMode(node) == DrawMode.SAMPLED_WITHOUT_REPLACEMENT;
                double[] q = toDouble(tree.distribution(node));
                normalise(q);
                double chosenRemaining = 1.0; // draft mass not yet taken by earlier chosen siblings
                for (int i = 0; i < tree.childCount(node) && accepted < 0; i++) {
                    int child = tree.child(node, i);
                    int y = tree.token(child);
                    double qy = sampled ? q[y] : 1.0;
                    if (!(qy > 0)) {
                        // accepting it would bias the output; rejecting it would too: the records are wrong
                        throw new IllegalStateException("tree node " + child + " (token " + y + ") is recorded as drawn"
                                + " from its parent's distribution, where it has probability " + qy
                                + "; a TreeStrategy must draw sampled children from the distribution it records");
                    }
                    boolean ok = random.nextDouble() * qy < p[y];
                    // the residual draft probability at draw time, as the strategy saw it
                    double drawnWith = sampled ? q[y] : tree.distribution(node)[y] / Math.max(chosenRemaining, 1e-12);
                    chosenRemaining -= tree.distribution(node)[y];
                    examined.add(new Verification.ChildOutcome(tree.depth(child), drawnWith, ok));
                    if (ok) {
                        accepted = child;
                        break;
                    }
                    if (sampled) {
                        for (int t = 0; t < p.length; t++) {
                            p[t] = Math.max(p[t] - q[t], 0);
                        }
                        q[y] = 0;
                        normalise(q);
                    } else {
                        p[y] = 0; // p − δ_y, clipped at zero
                    }
                    normalise(p);
                }
            }
            if (accepted < 0) {
                int bonus = Distributions.sample(p, random.nextDouble());
                if (bonus < 0) { // residual lost all mass to rounding: fall back to the target's mode
                    bonus = Distributions.argmax(targetLogits[node]);
                }
                return new Verification(toArray(path), bonus, examined);
            }
            path.add(accepted);
            node = accepted;
        }
    }

    private static void normalise(double[] v) {
        double sum = 0;
        for (double x : v) {
            sum += x;
        }
        if (sum > 0) {
            for (int i = 0; i < v.length; i++) {
                v[i] /= sum;
            }
        }
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    private static int[] toArray(List<Integer> list) {
        return list.stream().mapToInt(Integer::intValue).toArray();
    }
}
