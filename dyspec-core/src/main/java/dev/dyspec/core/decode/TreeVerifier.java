package dev.dyspec.core.decode;

import dev.dyspec.api.ContextEvidence;
import dev.dyspec.api.DrawMode;
import dev.dyspec.api.SamplingParams;
import dev.dyspec.api.TokenTree;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Accepts the longest path of a token tree that the target agrees with, leaving the output
 * distribution exactly the target's. Pure Java over float arrays.
 *
 * <p>Greedy: follow the child equal to the target's argmax. Sampling: recursive rejection sampling over
 * a node's children in draw order (SpecInfer): accept child y with probability min(1, p(y)/q(y));
 * otherwise p ← norm(max(p − q, 0)) and, for children sampled without replacement, q[y] ← 0 and q is
 * renormalised; a chosen child, or one proposed from the context, counts as a point mass (and
 * leaves q too: later siblings were drawn without it). Children of both kinds may share a node. If no
 * child is accepted the bonus token is drawn from the residual p.
 */
public final class TreeVerifier {

    /**
     * @param targetLogits (tree nodes, vocab) the target's logits at every node, depth-first order
     */
    public Verification verify(TokenTree tree, float[][] targetLogits, SamplingParams params, RandomGenerator random) {
        return params.isGreedy() ? verifyGreedy(tree, targetLogits) : verifySampled(tree, targetLogits, params, random);
    }

    private Verification verifyGreedy(TokenTree tree, float[][] targetLogits) {
        int[] path = new int[tree.size()]; // a path visits each node at most once; path[0] is the root, 0
        int length = 1;
        List<Verification.ChildOutcome> examined = new ArrayList<>();
        int node = 0;
        while (true) {
            int want = Distributions.argmax(targetLogits[node]);
            int next = -1;
            float[] q = tree.distribution(node); // null where every child came from the context
            double remaining = 1.0;
            for (int i = 0; i < tree.childCount(node) && next < 0; i++) {
                int child = tree.child(node, i);
                boolean accepted = tree.token(child) == want;
                ContextEvidence why = tree.evidence(child);
                if (why != null) {
                    examined.add(new Verification.ChildOutcome(tree.depth(child), Double.NaN, accepted, why));
                } else {
                    examined.add(new Verification.ChildOutcome(tree.depth(child),
                            q[tree.token(child)] / Math.max(remaining, 1e-12), accepted));
                }
                remaining -= q == null ? 0 : q[tree.token(child)]; // later draws leave out every earlier sibling
                if (accepted) {
                    next = child;
                }
            }
            if (next < 0) {
                return new Verification(Arrays.copyOf(path, length), want, examined);
            }
            path[length++] = next;
            node = next;
        }
    }

    private Verification verifySampled(TokenTree tree, float[][] targetLogits, SamplingParams params,
                                       RandomGenerator random) {
        int[] path = new int[tree.size()]; // a path visits each node at most once; path[0] is the root, 0
        int length = 1;
        List<Verification.ChildOutcome> examined = new ArrayList<>();
        int node = 0;
        while (true) {
            // p and q are kept unnormalised beside their sums: a rejection then costs one pass over the
            // vocabulary (p ← max(p − q, 0), summed on the way) instead of three
            Weights p = new Weights(Distributions.of(targetLogits[node], params));
            double pSum = 1.0; // Distributions.of is normalised
            int accepted = -1;
            if (tree.childCount(node) > 0) {
                float[] recorded = tree.distribution(node); // null where every child came from the context
                boolean sampledNode = tree.drawMode(node) == DrawMode.SAMPLED_WITHOUT_REPLACEMENT;
                Weights q = sampledNode ? new Weights(recorded) : null; // the tree's array is only read
                double qSum = q == null ? 0 : q.sum();
                double chosenRemaining = 1.0; // draft mass not yet taken by earlier chosen siblings
                for (int i = 0; i < tree.childCount(node) && accepted < 0; i++) {
                    int child = tree.child(node, i);
                    int y = tree.token(child);
                    ContextEvidence why = tree.evidence(child);
                    boolean pointMass = tree.isPointMass(child);
                    double qy = pointMass ? 1.0 : q == null || !(qSum > 0) ? 0 : q.get(y) / qSum;
                    if (!(qy > 0)) {
                        // accepting it would bias the output; rejecting it would too: the records are wrong
                        throw new IllegalStateException("tree node " + child + " (token " + y + ") is recorded as drawn"
                                + " from its parent's distribution, where it has probability " + qy
                                + "; a TreeStrategy must draw sampled children from the distribution it records");
                    }
                    boolean ok = random.nextDouble() * qy < p.get(y) / pSum;
                    if (why != null) {
                        examined.add(new Verification.ChildOutcome(tree.depth(child), Double.NaN, ok, why));
                    } else {
                        // the residual draft probability at draw time, as the strategy saw it
                        double drawnWith = sampledNode ? qy : recorded[y] / Math.max(chosenRemaining, 1e-12);
                        examined.add(new Verification.ChildOutcome(tree.depth(child), drawnWith, ok));
                    }
                    chosenRemaining -= recorded == null ? 0 : recorded[y];
                    if (ok) {
                        accepted = child;
                        break;
                    }
                    if (pointMass) {
                        double[] residual = p.changeable();
                        pSum -= residual[y]; // p − δ_y, clipped at zero
                        residual[y] = 0;
                    } else {
                        pSum = subtractClipped(p.changeable(), pSum, q.changeable(), qSum);
                    }
                    if (q != null) {
                        // later children were drawn with every earlier sibling left out, context proposals too
                        double[] left = q.changeable();
                        qSum -= left[y];
                        left[y] = 0;
                    }
                }
            }
            if (accepted < 0) {
                int bonus = p.sample(random.nextDouble());
                if (bonus < 0) { // residual lost all mass to rounding: fall back to the target's mode
                    bonus = Distributions.argmax(targetLogits[node]);
                }
                return new Verification(Arrays.copyOf(path, length), bonus, examined);
            }
            path[length++] = accepted;
            node = accepted;
        }
    }

    /** p ← max(p / pSum − q / qSum, 0) in place; returns the new sum of p. */
    private static double subtractClipped(double[] p, double pSum, double[] q, double qSum) {
        double pScale = pSum > 0 ? 1 / pSum : 0; // no mass left: p is all zero
        double qScale = qSum > 0 ? 1 / qSum : 0;
        double sum = 0;
        for (int t = 0; t < p.length; t++) {
            double v = Math.max(p[t] * pScale - q[t] * qScale, 0);
            p[t] = v;
            sum += v;
        }
        return sum;
    }

    /**
     * A node's distribution, read as the floats it came as until a rejection changes it: only then is it
     * copied to doubles (the arithmetic of a residual is in doubles). Most visited nodes accept a child and
     * never pay the copy. Reads widen each float, so the values, sums and draws are those of the doubles.
     */
    private static final class Weights {
        private final float[] floats;
        private double[] doubles;

        Weights(float[] floats) {
            this.floats = floats;
        }

        double get(int t) {
            return doubles != null ? doubles[t] : floats[t];
        }

        double sum() {
            double sum = 0;
            if (doubles != null) {
                for (double x : doubles) {
                    sum += x;
                }
            } else {
                for (float x : floats) {
                    sum += x;
                }
            }
            return sum;
        }

        /** The values as doubles this verification may change; the floats are never written. */
        double[] changeable() {
            if (doubles == null) {
                doubles = new double[floats.length];
                for (int i = 0; i < floats.length; i++) {
                    doubles[i] = floats[i];
                }
            }
            return doubles;
        }

        /** Draws an index with probability weight / sum (u uniform in [0, 1)); -1 when no weight is positive. */
        int sample(double u) {
            double target = u * sum();
            double cdf = 0;
            int last = -1;
            for (int i = 0; i < floats.length; i++) {
                double w = get(i);
                if (w <= 0) {
                    continue;
                }
                cdf += w;
                last = i;
                if (target < cdf) {
                    return i;
                }
            }
            return last; // rounding left target at the end: the last token with weight
        }
    }
}
