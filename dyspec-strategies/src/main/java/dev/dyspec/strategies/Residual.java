package dev.dyspec.strategies;

import java.util.Arrays;
import java.util.random.RandomGenerator;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * A draft distribution with some tokens already drawn: the residual R = d with drawn tokens zeroed,
 * renormalised. Kept as the original d plus the drawn set, so no vocabulary-sized copy is made per
 * draw.
 */
final class Residual {

    /** More than a node takes children in any tree we grow, so best() rarely needs a second pass. */
    static final int RANKED = 8;

    private static final VectorSpecies<Float> LANES = FloatVector.SPECIES_PREFERRED;

    private final float[] distribution;
    private int[] drawn = new int[0];
    private double remaining = 1.0;
    private double squares; // Σ d[y]² over tokens not yet drawn
    private final int[] ranked; // the RANKED most likely tokens, best first
    private double expected;
    private int expectedFor = -1; // drawn tokens when {@code expected} was computed
    private int expectedDepth;
    private dev.dyspec.api.AcceptanceEstimator expectedEstimator;

    Residual(float[] distribution) {
        this.distribution = distribution;
        // one pass: the mass, Σ d², and the most likely tokens a greedy tree will ask for. The sums run in vector
        // lanes and are added up in a fixed order (the same bits in every JIT tier); a vector's tokens are ranked
        // only when one of them beats the current eighth best, which after the first few vectors is rare
        Top top = new Top(distribution);
        FloatVector sums = FloatVector.zero(LANES);
        FloatVector squareSums = FloatVector.zero(LANES);
        int upper = LANES.loopBound(distribution.length);
        int t = 0;
        for (; t < upper; t += LANES.length()) {
            FloatVector p = FloatVector.fromArray(LANES, distribution, t);
            sums = sums.add(p);
            squareSums = p.fma(p, squareSums);
            if (p.compare(VectorOperators.GT, top.floor).anyTrue()) {
                for (int k = t; k < t + LANES.length(); k++) {
                    top.offer(k);
                }
            }
        }
        double sum = laneSum(sums);
        double squareSum = laneSum(squareSums);
        for (; t < distribution.length; t++) {
            float p = distribution[t];
            sum += p;
            squareSum += (double) p * p;
            top.offer(t);
        }
        this.remaining = sum;
        this.squares = squareSum;
        this.ranked = top.ranked();
    }

    /** The lanes added up first to last. */
    private static double laneSum(FloatVector v) {
        double sum = 0;
        for (float lane : v.toArray()) {
            sum += lane;
        }
        return sum;
    }

    /** The {@link #RANKED} most likely tokens seen so far, most likely first, the lower id first on ties. */
    private static final class Top {
        private final float[] distribution;
        private final int[] tokens;
        private int count;
        float floor = Float.NEGATIVE_INFINITY; // what a token must beat to enter: -∞ until full

        Top(float[] distribution) {
            this.distribution = distribution;
            this.tokens = new int[Math.min(RANKED, distribution.length)];
        }

        /**
         * Puts token t in when it beats the floor, after every token already there that it does not beat,
         * dropping the last one when full.
         */
        void offer(int t) {
            float p = distribution[t];
            if (!(p > floor)) {
                return;
            }
            int at = count == tokens.length ? count - 1 : count++;
            while (at > 0 && p > distribution[tokens[at - 1]]) {
                tokens[at] = tokens[at - 1];
                at--;
            }
            tokens[at] = t;
            floor = count == tokens.length ? distribution[tokens[count - 1]] : Float.NEGATIVE_INFINITY;
        }

        int[] ranked() {
            return count == tokens.length ? tokens : Arrays.copyOf(tokens, count);
        }
    }

    /**
     * A one-number stand-in for {@link #expectedAcceptance}, for ordering candidates: a(r) at r = Σ R[y]², the
     * expected probability of the token a draw from R picks, kept up to date in O(1) per draw. Exact for the
     * paper's a(r) = r; for a learned curve it trades Jensen's gap for a pass over the vocabulary per draw.
     */
    double typicalAcceptance(dev.dyspec.api.AcceptanceEstimator estimator, int depth, dev.dyspec.api.SamplingParams params) {
        if (params.isGreedy()) {
            return expectedAcceptance(estimator, depth, params);
        }
        return remaining <= 0 ? 0 : estimator.acceptance(squares / (remaining * remaining), depth, params);
    }

    /** Probability mass of d not yet drawn. */
    double remaining() {
        return remaining;
    }

    boolean exhausted() {
        return remaining <= 1e-12 || drawn.length >= distribution.length;
    }

    /** d[y] in the original distribution. */
    double original(int token) {
        return distribution[token];
    }

    /** Samples y ~ R. */
    int sample(RandomGenerator random) {
        double u = random.nextDouble() * remaining;
        int[] skip = drawn.clone(); // ascending, so the walk checks one drawn token at a time, not all per token
        Arrays.sort(skip);
        int k = 0;
        double cdf = 0;
        int last = -1;
        for (int t = 0; t < distribution.length; t++) {
            while (k < skip.length && skip[k] < t) {
                k++;
            }
            if (distribution[t] <= 0 || k < skip.length && skip[k] == t) {
                continue;
            }
            cdf += distribution[t];
            last = t;
            if (u < cdf) {
                return t;
            }
        }
        return last; // rounding: the last token with mass
    }

    /**
     * The most likely token not yet drawn (lowest id on ties), for deterministic drafting: the first undrawn
     * one of the {@link #RANKED} most likely, ranked in the constructor's pass (a greedy tree asks for the best
     * token again after every draw, and for each re-valuation of its node); a pass over the vocabulary only
     * once those are all drawn.
     */
    int best() {
        for (int t : ranked) {
            if (!isDrawn(t)) {
                return t;
            }
        }
        int best = -1;
        for (int t = 0; t < distribution.length; t++) {
            if (!isDrawn(t) && (best < 0 || distribution[t] > distribution[best])) {
                best = t;
            }
        }
        return best;
    }

    /**
     * The expected acceptance estimate of the next draw, known before drawing: a(R[best]) when the
     * draw is deterministic, otherwise Σ_y R[y]·a(R[y]).
     */
    double expectedAcceptance(dev.dyspec.api.AcceptanceEstimator estimator, int depth,
                              dev.dyspec.api.SamplingParams params) {
        // asked again for an unchanged residual (to order the heap, then for the size rule): a vocabulary pass saved
        if (expectedFor == drawn.length && expectedDepth == depth && expectedEstimator == estimator) {
            return expected;
        }
        expected = computeExpectedAcceptance(estimator, depth, params);
        expectedFor = drawn.length;
        expectedDepth = depth;
        expectedEstimator = estimator;
        return expected;
    }

    private double computeExpectedAcceptance(dev.dyspec.api.AcceptanceEstimator estimator, int depth,
                                             dev.dyspec.api.SamplingParams params) {
        if (params.isGreedy()) {
            int best = best();
            return best < 0 ? 0 : estimator.acceptance(distribution[best] / remaining, depth, params);
        }
        if (remaining <= 0) {
            return 0;
        }
        // tokens whose r is at most the estimator's flat stretch share one a(r): summed as one mass, so
        // a pass over the vocabulary queries the estimator only for the few likely tokens
        double flat = estimator.constantBelow(depth, params);
        double threshold = flat * remaining;
        double sum = 0;
        double flatMass = 0;
        for (int t = 0; t < distribution.length; t++) {
            float p = distribution[t];
            if (p <= 0) {
                continue;
            }
            if (p <= threshold) {
                flatMass += p;
            } else {
                double r = p / remaining;
                sum += r * estimator.acceptance(r, depth, params);
            }
        }
        for (int d : drawn) { // taken out afterwards: a check per drawn token, not per vocabulary token
            float p = distribution[d];
            if (p > 0 && p <= threshold) {
                flatMass -= p;
            } else if (p > threshold) {
                double r = p / remaining;
                sum -= r * estimator.acceptance(r, depth, params);
            }
        }
        if (flatMass > 0) {
            sum += flatMass / remaining * estimator.acceptance(flat / 2, depth, params);
        }
        return sum;
    }

    void markDrawn(int token) {
        drawn = Arrays.copyOf(drawn, drawn.length + 1);
        drawn[drawn.length - 1] = token;
        remaining = Math.max(0, remaining - distribution[token]);
        squares = Math.max(0, squares - (double) distribution[token] * distribution[token]);
    }

    private boolean isDrawn(int token) {
        for (int d : drawn) {
            if (d == token) {
                return true;
            }
        }
        return false;
    }
}
