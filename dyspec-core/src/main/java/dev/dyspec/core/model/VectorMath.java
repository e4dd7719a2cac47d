package dev.dyspec.core.model;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The products of {@link JavaKernel} on the JDK's vector API (SIMD registers as wide as the CPU has).
 * Every output element is accumulated in the same order, a fused multiply-add per input from zero,
 * whichever loop computes it, so a row's result does not depend on how many rows share the call: a
 * sequence scores the same alone as batched with others, bit for bit.
 */
final class VectorMath {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private VectorMath() {
    }

    /**
     * y = x W for n rows: x (n, in), W (in, out), y (n, out), all row-major from offset 0. One row streams
     * W once with its output row in L1; several rows keep 4-vector strips of two output rows in registers
     * and reuse each loaded piece of W for both.
     */
    static void matmul(float[] x, int n, int in, float[] w, int out, float[] y) {
        matmulColumns(x, n, in, w, out, y, 0, out);
    }

    /** Columns {@code [from, to)} of {@link #matmul}; {@code from} a multiple of {@link #lanes()}. */
    static void matmulColumns(float[] x, int n, int in, float[] w, int out, float[] y, int from, int to) {
        int vectorEnd = from + S.loopBound(to - from);
        if (n == 1) {
            rowTimesMatrix(x, in, w, out, y, from, vectorEnd);
        } else {
            int strip = 4 * L;
            int j = from;
            for (; j + strip <= vectorEnd; j += strip) {
                int r = 0;
                for (; r + 2 <= n; r += 2) {
                    strip2(x, r, in, w, out, y, j);
                }
                if (r < n) {
                    strip1(x, r, in, w, out, y, j);
                }
            }
            for (; j < vectorEnd; j += L) {
                for (int r = 0; r < n; r++) {
                    FloatVector a = FloatVector.zero(S);
                    int xo = r * in;
                    for (int i = 0, wo = j; i < in; i++, wo += out) {
                        a = FloatVector.fromArray(S, w, wo).fma(FloatVector.broadcast(S, x[xo + i]), a);
                    }
                    a.intoArray(y, r * out + j);
                }
            }
        }
        for (int r = 0; r < n; r++) {
            scalarColumns(x, r, in, w, out, y, vectorEnd, to);
        }
    }

    /** Floats per SIMD register. */
    static int lanes() {
        return L;
    }

    private static void rowTimesMatrix(float[] x, int in, float[] w, int out, float[] y, int from, int to) {
        java.util.Arrays.fill(y, from, to, 0f);
        for (int i = 0; i < in; i++) {
            FloatVector b = FloatVector.broadcast(S, x[i]);
            int wo = i * out;
            for (int j = from; j < to; j += L) {
                FloatVector.fromArray(S, w, wo + j).fma(b, FloatVector.fromArray(S, y, j)).intoArray(y, j);
            }
        }
    }

    private static void strip1(float[] x, int r, int in, float[] w, int out, float[] y, int j) {
        FloatVector a0 = FloatVector.zero(S);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        int xo = r * in;
        for (int i = 0, wo = j; i < in; i++, wo += out) {
            FloatVector b = FloatVector.broadcast(S, x[xo + i]);
            a0 = FloatVector.fromArray(S, w, wo).fma(b, a0);
            a1 = FloatVector.fromArray(S, w, wo + L).fma(b, a1);
            a2 = FloatVector.fromArray(S, w, wo + 2 * L).fma(b, a2);
            a3 = FloatVector.fromArray(S, w, wo + 3 * L).fma(b, a3);
        }
        int yo = r * out + j;
        a0.intoArray(y, yo);
        a1.intoArray(y, yo + L);
        a2.intoArray(y, yo + 2 * L);
        a3.intoArray(y, yo + 3 * L);
    }

    private static void strip2(float[] x, int r, int in, float[] w, int out, float[] y, int j) {
        FloatVector a0 = FloatVector.zero(S);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        FloatVector c0 = a0;
        FloatVector c1 = a0;
        FloatVector c2 = a0;
        FloatVector c3 = a0;
        int xo = r * in;
        int xp = xo + in;
        for (int i = 0, wo = j; i < in; i++, wo += out) {
            FloatVector b = FloatVector.broadcast(S, x[xo + i]);
            FloatVector d = FloatVector.broadcast(S, x[xp + i]);
            FloatVector w0 = FloatVector.fromArray(S, w, wo);
            FloatVector w1 = FloatVector.fromArray(S, w, wo + L);
            FloatVector w2 = FloatVector.fromArray(S, w, wo + 2 * L);
            FloatVector w3 = FloatVector.fromArray(S, w, wo + 3 * L);
            a0 = w0.fma(b, a0);
            a1 = w1.fma(b, a1);
            a2 = w2.fma(b, a2);
            a3 = w3.fma(b, a3);
            c0 = w0.fma(d, c0);
            c1 = w1.fma(d, c1);
            c2 = w2.fma(d, c2);
            c3 = w3.fma(d, c3);
        }
        int yo = r * out + j;
        int yp = yo + out;
        a0.intoArray(y, yo);
        a1.intoArray(y, yo + L);
        a2.intoArray(y, yo + 2 * L);
        a3.intoArray(y, yo + 3 * L);
        c0.intoArray(y, yp);
        c1.intoArray(y, yp + L);
        c2.intoArray(y, yp + 2 * L);
        c3.intoArray(y, yp + 3 * L);
    }

    /** Columns past the last whole vector, one fused multiply-add per input as in the vector loops. */
    private static void scalarColumns(float[] x, int r, int in, float[] w, int out, float[] y, int from, int to) {
        int xo = r * in;
        for (int j = from; j < to; j++) {
            float a = 0f;
            for (int i = 0; i < in; i++) {
                a = Math.fma(w[i * out + j], x[xo + i], a);
            }
            y[r * out + j] = a;
        }
    }

    /** Σ a[ao + i] b[bo + i] over i &lt; n. */
    static float dot(float[] a, int ao, float[] b, int bo, int n) {
        int i = 0;
        float sum = 0f;
        if (n >= L) {
            FloatVector acc = FloatVector.zero(S);
            int bound = S.loopBound(n);
            for (; i < bound; i += L) {
                acc = FloatVector.fromArray(S, a, ao + i).fma(FloatVector.fromArray(S, b, bo + i), acc);
            }
            sum = acc.reduceLanes(VectorOperators.ADD);
        }
        for (; i < n; i++) {
            sum = Math.fma(a[ao + i], b[bo + i], sum);
        }
        return sum;
    }

    /** y[yo + i] += alpha x[xo + i] over i &lt; n. */
    static void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n) {
        int i = 0;
        if (n >= L) {
            FloatVector b = FloatVector.broadcast(S, alpha);
            int bound = S.loopBound(n);
            for (; i < bound; i += L) {
                FloatVector.fromArray(S, x, xo + i).fma(b, FloatVector.fromArray(S, y, yo + i)).intoArray(y, yo + i);
            }
        }
        for (; i < n; i++) {
            y[yo + i] = Math.fma(x[xo + i], alpha, y[yo + i]);
        }
    }
}
