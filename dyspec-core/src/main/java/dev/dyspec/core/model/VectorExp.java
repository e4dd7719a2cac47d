package dev.dyspec.core.model;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * e^x in float, built only from operations IEEE 754 defines exactly (add, multiply, fused multiply-add, min,
 * max, conversion of integral values, bit shifts), so a value is the same in every JIT tier and on every
 * machine. The vector API's own {@code EXP} is not: its Java fallback and its compiled intrinsic differ in
 * the last bits, so a forward run before and after C2 compiled the kernel gave different logits — and the
 * engine promises equal bits for a sequence alone or batched.
 *
 * <p>e^x = 2^n · e^r with n = round(x / ln 2) and |r| ≤ ln 2 / 2; e^r by its Taylor series to degree 7
 * (truncation below 6e-9 relative, under one float ulp), r from x in two steps (ln 2 split in a high part
 * with few bits and a low correction) so n · ln 2 costs no precision. Results below 2^-126 are 0 (the
 * softmaxes and sigmoids using it lose only subnormals), above the float range +∞.
 */
public final class VectorExp {

    private static final float LOG2_E = 1.44269504088896341f;
    private static final float LN2_HIGH = 0.693145751953125f;
    private static final float LN2_LOW = 1.42860682030941723e-6f;
    /** 1.5 · 2^23: adding it rounds a float of magnitude below 2^22 to an integer, to nearest even. */
    private static final float ROUNDER = 12582912f;
    private static final float LOWEST = -87.33654f;
    private static final float HIGHEST = 88.72283f;
    private static final float C2 = 1f / 2;
    private static final float C3 = 1f / 6;
    private static final float C4 = 1f / 24;
    private static final float C5 = 1f / 120;
    private static final float C6 = 1f / 720;
    private static final float C7 = 1f / 5040;

    private VectorExp() {
    }

    /** e^x per lane. */
    public static FloatVector exp(FloatVector x) {
        VectorSpecies<Float> species = x.species();
        FloatVector clamped = x.max(LOWEST).min(HIGHEST);
        FloatVector n = clamped.fma(FloatVector.broadcast(species, LOG2_E), FloatVector.broadcast(species, ROUNDER)).sub(ROUNDER);
        FloatVector r = n.fma(FloatVector.broadcast(species, -LN2_HIGH), clamped);
        r = n.fma(FloatVector.broadcast(species, -LN2_LOW), r);
        FloatVector p = r.fma(FloatVector.broadcast(species, C7), FloatVector.broadcast(species, C6));
        p = p.fma(r, FloatVector.broadcast(species, C5));
        p = p.fma(r, FloatVector.broadcast(species, C4));
        p = p.fma(r, FloatVector.broadcast(species, C3));
        p = p.fma(r, FloatVector.broadcast(species, C2));
        p = p.fma(r, FloatVector.broadcast(species, 1f));
        p = p.fma(r, FloatVector.broadcast(species, 1f));
        // n ∈ [-126, 128] is integral, so its conversion is exact; 2^n as 2^(n >> 1) · 2^(n - (n >> 1)), each factor normal.
        IntVector k = (IntVector) n.convert(VectorOperators.F2I, 0);
        IntVector first = k.lanewise(VectorOperators.ASHR, 1);
        FloatVector scaled = p.mul(powerOfTwo(first)).mul(powerOfTwo(k.sub(first)));
        return scaled
                .blend(0f, x.lt(LOWEST))
                .blend(Float.POSITIVE_INFINITY, x.compare(VectorOperators.GT, HIGHEST))
                .blend(x, x.test(VectorOperators.IS_NAN));
    }

    /** The same value as a lane of {@link #exp(FloatVector)}, one float at a time (tails of vector loops). */
    public static float exp(float x) {
        if (Float.isNaN(x)) {
            return x;
        }
        if (x < LOWEST) {
            return 0f;
        }
        if (x > HIGHEST) {
            return Float.POSITIVE_INFINITY;
        }
        float n = Math.fma(x, LOG2_E, ROUNDER) - ROUNDER;
        float r = Math.fma(n, -LN2_HIGH, x);
        r = Math.fma(n, -LN2_LOW, r);
        float p = Math.fma(r, C7, C6);
        p = Math.fma(p, r, C5);
        p = Math.fma(p, r, C4);
        p = Math.fma(p, r, C3);
        p = Math.fma(p, r, C2);
        p = Math.fma(p, r, 1f);
        p = Math.fma(p, r, 1f);
        int k = (int) n;
        int first = k >> 1;
        return p * Float.intBitsToFloat((first + 127) << 23) * Float.intBitsToFloat((k - first + 127) << 23);
    }

    private static FloatVector powerOfTwo(IntVector exponent) {
        return exponent.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
    }
}
