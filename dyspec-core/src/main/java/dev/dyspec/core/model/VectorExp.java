package dev.dyspec.core.model;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * e^x in float, built only from operations IEEE 754 defines exactly (add, multiply, fused multiply-add, min,
 * max, bit operations on the encoding), so a value is the same in every JIT tier and on every
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

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private static final float LOG2_E = 1.44269504088896341f;
    private static final float LN2_HIGH = 0.693145751953125f;
    private static final float LN2_LOW = 1.42860682030941723e-6f;
    /** 1.5 · 2^23: adding it rounds a float of magnitude below 2^22 to an integer, to nearest even. */
    private static final float ROUNDER = 12582912f;
    private static final int ROUNDER_BITS = Float.floatToRawIntBits(ROUNDER);
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

    /**
     * target[to + i] = e^((source[from + i] − shift) · scale) for i &lt; count; the arrays may be the same.
     * The whole computation sits in this one loop on purpose: C2 would compile a per-vector helper on its
     * own once it is hot, then refuse to inline it into callers ("already compiled into a medium method"),
     * and a vector crossing a call that is not inlined is boxed — 15× slower.
     */
    public static void exp(float[] source, int from, float[] target, int to, int count, float shift, float scale) {
        int bound = S.loopBound(count);
        int i = 0;
        for (; i < bound; i += S.length()) {
            FloatVector x = FloatVector.fromArray(S, source, from + i).sub(shift).mul(scale);
            FloatVector clamped = x.max(LOWEST).min(HIGHEST);
            // n + 1.5 · 2^23 in float: its low mantissa bits hold n, two's complement, so no conversion is needed
            FloatVector shifted = clamped.fma(FloatVector.broadcast(S, LOG2_E), FloatVector.broadcast(S, ROUNDER));
            FloatVector n = shifted.sub(ROUNDER);
            FloatVector r = n.fma(FloatVector.broadcast(S, -LN2_HIGH), clamped);
            r = n.fma(FloatVector.broadcast(S, -LN2_LOW), r);
            FloatVector p = r.fma(FloatVector.broadcast(S, C7), FloatVector.broadcast(S, C6));
            p = p.fma(r, FloatVector.broadcast(S, C5));
            p = p.fma(r, FloatVector.broadcast(S, C4));
            p = p.fma(r, FloatVector.broadcast(S, C3));
            p = p.fma(r, FloatVector.broadcast(S, C2));
            p = p.fma(r, FloatVector.broadcast(S, 1f));
            p = p.fma(r, FloatVector.broadcast(S, 1f));
            // 2^n as 2^(n >> 1) · 2^(n − (n >> 1)), so each factor is a normal float for n ∈ [-126, 128]
            IntVector k = shifted.reinterpretAsInts().sub(ROUNDER_BITS);
            IntVector half = k.lanewise(VectorOperators.ASHR, 1);
            FloatVector e = p.mul(half.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats())
                    .mul(k.sub(half).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
            e.blend(FloatVector.zero(S), x.compare(VectorOperators.LT, LOWEST))
                    .blend(FloatVector.broadcast(S, Float.POSITIVE_INFINITY), x.compare(VectorOperators.GT, HIGHEST))
                    .blend(x, x.compare(VectorOperators.NE, x))
                    .intoArray(target, to + i);
        }
        for (; i < count; i++) {
            target[to + i] = exp((source[from + i] - shift) * scale);
        }
    }

    /** e^x: the same bits as the vector lanes of the array form give. */
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
}
