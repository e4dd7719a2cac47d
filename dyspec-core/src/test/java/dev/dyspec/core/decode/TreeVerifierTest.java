package dev.dyspec.core.decode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dyspec.api.DrawMode;
import dev.dyspec.api.SamplingParams;
import dev.dyspec.api.TokenTree;
import dev.dyspec.api.TreeBuilder;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TreeVerifierTest {

    private final TreeVerifier verifier = new TreeVerifier();

    @Test
    void greedyFollowsTheTargetArgmaxAndAddsItsNextChoice() {
        TreeBuilder b = TreeBuilder.rooted(0);
        b.recordDraw(0, uniform(4), DrawMode.CHOSEN);
        b.addChild(0, 1, 0.5);
        int c = b.addChild(0, 2, 0.3);
        b.recordDraw(c, uniform(4), DrawMode.CHOSEN);
        b.addChild(c, 3, 0.1);
        TokenTree tree = b.build();
        // dfs: 0 root, 1 token1, 2 token2, 3 token3 (child of token2)
        float[][] logits = {{0, 0, 5, 0}, {9, 0, 0, 0}, {0, 0, 0, 7}, {0, 8, 0, 0}};
        Verification v = verifier.verify(tree, logits, SamplingParams.greedy(), new SplittableRandom(0));
        assertArrayEquals(new int[] {0, 2, 3}, v.acceptedPath());
        assertEquals(1, v.bonusToken());
        assertEquals(2, v.acceptedCount());
    }

    @Test
    void aSampledChildTheRecordedDistributionCannotDrawIsAnErrorNotABiasedAcceptance() {
        TreeBuilder b = TreeBuilder.rooted(0);
        b.recordDraw(0, new float[] {0.5f, 0.5f, 0f, 0f}, DrawMode.SAMPLED_WITHOUT_REPLACEMENT);
        b.addChild(0, 3, 0.1); // token 3 has probability 0 in the recorded distribution
        TokenTree tree = b.build();
        float[][] logits = {{0, 0, 0, 9}, {0, 0, 0, 0}};
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> verifier.verify(tree, logits, new SamplingParams(1.0, 1.0, 1), new SplittableRandom(0)));
        assertTrue(e.getMessage().contains("probability 0"), e.getMessage());
    }

    /**
     * The emitted token (first accepted child, else the bonus token) must be distributed exactly as p,
     * whatever q and however the children were drawn. 10^6 draws per case; each frequency must lie
     * within 5 standard errors (+1e-4) of p.
     */
    @ParameterizedTest(name = "mode={0} children={1} seed={2}")
    @CsvSource({
        "SAMPLED_WITHOUT_REPLACEMENT, 1, 1", "SAMPLED_WITHOUT_REPLACEMENT, 2, 2", "SAMPLED_WITHOUT_REPLACEMENT, 4, 3",
        "CHOSEN, 1, 4", "CHOSEN, 3, 5"})
    void emittedTokenIsDistributedAsTheTarget(DrawMode mode, int children, long seed) {
        assertFirstEmittedTokenFollowsTheTarget(mode + " x" + children, seed,
                (q, random) -> drawTree(q, mode, children, random));
    }

    /**
     * Children proposed from the context (point masses, C) mixed with children sampled from the draft
     * (S, each drawn with every earlier sibling left out) at one node, in any order — context proposals
     * before the draft distribution is even recorded too: the emitted token is still distributed as p.
     */
    @ParameterizedTest(name = "children={0} seed={1}")
    @CsvSource({"CS, 11", "CCS, 12", "SC, 13", "SCS, 14", "CSCS, 15", "C, 16"})
    void contextProposalsMixedWithSampledChildrenLeaveTheEmittedTokenTheTargets(String pattern, long seed) {
        assertFirstEmittedTokenFollowsTheTarget(pattern, seed, (q, random) -> mixedTree(q, pattern, random));
    }

    /**
     * Random p and q over 6 tokens; 10^6 trees grown from q, each verified against p: the first emitted
     * token's frequencies must lie within 5 standard errors (+1e-4) of p.
     */
    private void assertFirstEmittedTokenFollowsTheTarget(String label, long seed,
                                                         java.util.function.BiFunction<float[], SplittableRandom, TokenTree> grow) {
        int vocab = 6;
        SplittableRandom random = new SplittableRandom(seed);
        float[] p = randomDistribution(random, vocab, 1.5);
        float[] q = randomDistribution(random, vocab, 1.5);
        float[] logits = logOf(p);
        SamplingParams params = new SamplingParams(1.0, 1.0, seed);
        int draws = 1_000_000;
        long[] counts = new long[vocab];
        for (int i = 0; i < draws; i++) {
            TokenTree tree = grow.apply(q, random);
            float[][] perNode = new float[tree.size()][];
            java.util.Arrays.fill(perNode, logits); // deeper acceptance is not examined: only the first emitted token
            Verification v = verifier.verify(tree, perNode, params, random);
            int first = v.acceptedPath().length > 1 ? tree.token(v.acceptedPath()[1]) : v.bonusToken();
            counts[first]++;
        }
        for (int t = 0; t < vocab; t++) {
            double freq = (double) counts[t] / draws;
            double se = Math.sqrt(p[t] * (1 - p[t]) / draws);
            assertTrue(Math.abs(freq - p[t]) <= 5 * se + 1e-4,
                    label + " token " + t + ": frequency " + freq + " vs target " + p[t]);
        }
    }

    @Test
    void contextProposalsAreReportedWithTheirEvidenceNotAsDraftDraws() {
        TreeBuilder b = TreeBuilder.rooted(0);
        dev.dyspec.api.ContextEvidence why = new dev.dyspec.api.ContextEvidence(3, 0.5);
        b.addContextChild(0, 2, 0.5, why);
        b.recordDraw(0, new float[] {0.1f, 0.2f, 0.3f, 0.4f}, DrawMode.CHOSEN);
        b.addChild(0, 3, 0.2);
        float[] wantsThree = {0, 0, 0, 5};
        Verification v = verifier.verify(b.build(), new float[][] {wantsThree, wantsThree, wantsThree},
                SamplingParams.greedy(), new SplittableRandom(1));
        assertEquals(2, v.examined().size());
        assertEquals(why, v.examined().get(0).evidence());
        assertTrue(Double.isNaN(v.examined().get(0).draftProbability()));
        assertEquals(null, v.examined().get(1).evidence());
        assertEquals(0.4 / 0.7, v.examined().get(1).draftProbability(), 1e-6, "the draft draw's residual leaves the proposal out");
    }

    /** C: a token not yet a child, picked at random (a point mass given the history); S: a draw from q without the earlier children. */
    private static TokenTree mixedTree(float[] q, String pattern, SplittableRandom random) {
        TreeBuilder b = TreeBuilder.rooted(0);
        boolean[] used = new boolean[q.length];
        boolean recorded = false;
        for (char kind : pattern.toCharArray()) {
            if (kind == 'C') {
                int token;
                do {
                    token = random.nextInt(q.length);
                } while (used[token]);
                used[token] = true;
                b.addContextChild(0, token, 0, new dev.dyspec.api.ContextEvidence(1, 1.0));
                continue;
            }
            if (!recorded) {
                b.recordDraw(0, q, DrawMode.SAMPLED_WITHOUT_REPLACEMENT);
                recorded = true;
            }
            int token = sampleUnused(q, used, random);
            used[token] = true;
            b.addChild(0, token, 0);
        }
        return b.build();
    }

    private static TokenTree drawTree(float[] q, DrawMode mode, int children, SplittableRandom random) {
        TreeBuilder b = TreeBuilder.rooted(0);
        b.recordDraw(0, q, mode);
        boolean[] used = new boolean[q.length];
        for (int c = 0; c < children; c++) {
            int token;
            if (mode == DrawMode.CHOSEN) {
                token = -1;
                for (int t = 0; t < q.length; t++) {
                    if (!used[t] && (token < 0 || q[t] > q[token])) {
                        token = t;
                    }
                }
            } else {
                token = sampleUnused(q, used, random);
            }
            used[token] = true;
            b.addChild(0, token, 0);
        }
        return b.build();
    }

    /** A draw from q with the used tokens left out. */
    private static int sampleUnused(float[] q, boolean[] used, SplittableRandom random) {
        double rem = 0;
        for (int t = 0; t < q.length; t++) {
            rem += used[t] ? 0 : q[t];
        }
        double u = random.nextDouble() * rem;
        int token = -1;
        for (int t = 0; t < q.length; t++) {
            if (used[t]) {
                continue;
            }
            token = t;
            u -= q[t];
            if (u < 0) {
                break;
            }
        }
        return token;
    }

    static float[] randomDistribution(SplittableRandom r, int n, double sharpness) {
        double[] e = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            e[i] = Math.exp(sharpness * (r.nextDouble() * 2 - 1) * 2);
            sum += e[i];
        }
        float[] p = new float[n];
        for (int i = 0; i < n; i++) {
            p[i] = (float) (e[i] / sum);
        }
        return p;
    }

    private static float[] logOf(float[] p) {
        float[] l = new float[p.length];
        for (int i = 0; i < p.length; i++) {
            l[i] = (float) Math.log(p[i]);
        }
        return l;
    }

    private static float[] uniform(int n) {
        float[] u = new float[n];
        java.util.Arrays.fill(u, 1f / n);
        return u;
    }
}
