package dev.dyspec.core.model;

import jdk.incubator.vector.FloatVector;
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
     * y = x W for n rows: x (n, in), W (in, out), y (n, out), all row-major from offset 0, on this thread.
     * One or two rows stream W once, row by row, with their output rows in L1 (the fastest order for a
     * forward bound by memory); more rows go by {@link #stripColumns}. Weights stored as halves go to
     * {@link HalfMatmul}, which gives the same bits.
     */
    static void matmul(float[] x, int n, WeightMatrix w, float[] y) {
        if (w.storage == WeightMatrix.Storage.F32) {
            matmul(x, n, w.in, w.floats, w.out, y);
        } else {
            HalfMatmul.matmul(x, n, w, y);
        }
    }

    /**
     * Columns {@code [from, to)} of {@link #matmul}; {@code from} a multiple of {@link #lanes()}, and of
     * {@link HalfMatmul#panelColumns()} for half weights ({@link ForwardThreads} cuts at multiples of both).
     */
    static void stripColumns(float[] x, int n, WeightMatrix w, float[] y, int from, int to) {
        if (w.storage == WeightMatrix.Storage.F32) {
            stripColumns(x, n, w.in, w.floats, w.out, y, from, to);
        } else {
            HalfMatmul.stripColumns(x, n, w, y, from, to);
        }
    }

    private static void matmul(float[] x, int n, int in, float[] w, int out, float[] y) {
        if (n <= ROWS_STREAMED) {
            int vectorEnd = S.loopBound(out);
            int r = 0;
            for (; r + 2 <= n; r += 2) {
                twoRowsTimesMatrix(x, r, in, w, out, y, vectorEnd);
            }
            if (r < n) {
                rowTimesMatrix(x, r, in, w, out, y, 0, vectorEnd);
            }
            for (r = 0; r < n; r++) {
                scalarColumns(x, r, in, w, out, y, vectorEnd, out);
            }
        } else {
            stripColumns(x, n, in, w, out, y, 0, out);
        }
    }

    /**
     * Strips of 4 vectors per output row kept in registers, two rows at a time sharing each loaded piece
     * of W: the order that scales when threads take column ranges of their own.
     */
    private static void stripColumns(float[] x, int n, int in, float[] w, int out, float[] y, int from, int to) {
        int vectorEnd = from + S.loopBound(to - from);
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
        for (int r = 0; r < n; r++) {
            scalarColumns(x, r, in, w, out, y, vectorEnd, to);
        }
    }

    /** Floats per SIMD register. */
    static int lanes() {
        return L;
    }

    /**
     * Up to this many rows stream W once, row by row, each output row in L1; more keep strips in registers
     * (shipped target, one thread: 2 rows 2.2-2.8 ms by strips, 1.7-2.1 streamed; 4 rows the other way round).
     */
    private static final int ROWS_STREAMED = 2;

    private static void rowTimesMatrix(float[] x, int r, int in, float[] w, int out, float[] y, int from, int to) {
        int yo = r * out;
        int xo = r * in;
        java.util.Arrays.fill(y, yo + from, yo + to, 0f);
        for (int i = 0; i < in; i++) {
            FloatVector b = FloatVector.broadcast(S, x[xo + i]);
            int wo = i * out;
            for (int j = from; j < to; j += L) {
                FloatVector.fromArray(S, w, wo + j).fma(b, FloatVector.fromArray(S, y, yo + j)).intoArray(y, yo + j);
            }
        }
    }

    private static void twoRowsTimesMatrix(float[] x, int r, int in, float[] w, int out, float[] y, int to) {
        int ya = r * out;
        int yb = ya + out;
        int xa = r * in;
        int xb = xa + in;
        java.util.Arrays.fill(y, ya, ya + to, 0f);
        java.util.Arrays.fill(y, yb, yb + to, 0f);
        for (int i = 0; i < in; i++) {
            FloatVector a = FloatVector.broadcast(S, x[xa + i]);
            FloatVector b = FloatVector.broadcast(S, x[xb + i]);
            int wo = i * out;
            for (int j = 0; j < to; j += L) {
                FloatVector v = FloatVector.fromArray(S, w, wo + j);
                v.fma(a, FloatVector.fromArray(S, y, ya + j)).intoArray(y, ya + j);
                v.fma(b, FloatVector.fromArray(S, y, yb + j)).intoArray(y, yb + j);
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

    /** Positions {@link #scores} computes: {@code length} rounded up to whole strips of four vectors. */
    static int paddedPositions(int length) {
        int strip = 4 * L;
        return (length + strip - 1) / strip * strip;
    }

    /** Floats a keys array holds past its last row, so that {@link #scores}' last strip stays inside it. */
    static int keysPadding() {
        return 4 * L;
    }

    /**
     * out[p] = q · key(p) for positions p &lt; length, keys stored transposed: key(p)[t] =
     * keys[base + t * capacity + p]. Strips of 4 vectors of positions stay in registers over the head's
     * columns, one fused multiply-add chain per position in column order. The last strip runs whole too
     * (out holds {@link #paddedPositions}, keys {@link #keysPadding} past their end; what it reads past
     * the length lands in later positions, the next row or the padding, and its scores are never used):
     * a vector or a lone position on its own waits on the latency of every multiply-add, so 13 positions
     * left over cost as much as 400 in strips. Every position takes the same steps whichever strip holds
     * it, so its score does not depend on the length it was computed with.
     */
    static void scores(float[] q, int qo, float[] keys, int base, int capacity, int hd, int length, float[] out) {
        int strip = 4 * L;
        for (int p = 0; p < length; p += strip) {
            FloatVector a0 = FloatVector.zero(S);
            FloatVector a1 = a0;
            FloatVector a2 = a0;
            FloatVector a3 = a0;
            for (int t = 0, k = base + p; t < hd; t++, k += capacity) {
                FloatVector b = FloatVector.broadcast(S, q[qo + t]);
                a0 = FloatVector.fromArray(S, keys, k).fma(b, a0);
                a1 = FloatVector.fromArray(S, keys, k + L).fma(b, a1);
                a2 = FloatVector.fromArray(S, keys, k + 2 * L).fma(b, a2);
                a3 = FloatVector.fromArray(S, keys, k + 3 * L).fma(b, a3);
            }
            a0.intoArray(out, p);
            a1.intoArray(out, p + L);
            a2.intoArray(out, p + 2 * L);
            a3.intoArray(out, p + 3 * L);
        }
    }

    /**
     * {@link #scores} for two query rows at once: each key vector loaded feeds both rows, so a sequence's keys
     * are read once per pair of its new rows instead of once per row (a batched forward reads them from memory:
     * 8 sequences × 8 layers of keys and values do not stay in cache beside the weights). Each row's scores are
     * the same bits as {@link #scores} gives it alone.
     */
    static void scoresPair(float[] q, int qa, int qb, float[] keys, int base, int capacity, int hd, int length,
                           float[] outA, float[] outB) {
        int strip = 4 * L;
        for (int p = 0; p < length; p += strip) {
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
            FloatVector b0 = a0, b1 = a0, b2 = a0, b3 = a0;
            for (int t = 0, k = base + p; t < hd; t++, k += capacity) {
                FloatVector x = FloatVector.broadcast(S, q[qa + t]);
                FloatVector y = FloatVector.broadcast(S, q[qb + t]);
                FloatVector k0 = FloatVector.fromArray(S, keys, k);
                FloatVector k1 = FloatVector.fromArray(S, keys, k + L);
                FloatVector k2 = FloatVector.fromArray(S, keys, k + 2 * L);
                FloatVector k3 = FloatVector.fromArray(S, keys, k + 3 * L);
                a0 = k0.fma(x, a0);
                a1 = k1.fma(x, a1);
                a2 = k2.fma(x, a2);
                a3 = k3.fma(x, a3);
                b0 = k0.fma(y, b0);
                b1 = k1.fma(y, b1);
                b2 = k2.fma(y, b2);
                b3 = k3.fma(y, b3);
            }
            a0.intoArray(outA, p);
            a1.intoArray(outA, p + L);
            a2.intoArray(outA, p + 2 * L);
            a3.intoArray(outA, p + 3 * L);
            b0.intoArray(outB, p);
            b1.intoArray(outB, p + L);
            b2.intoArray(outB, p + 2 * L);
            b3.intoArray(outB, p + 3 * L);
        }
    }

    /** x[0..n) ← softmax(x[0..n)), n ≥ 1. */
    static void softmax(float[] x, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, x[i]);
        }
        VectorExp.exp(x, 0, x, 0, n, max, 1f);
        float sum = 0f;
        for (int i = 0; i < n; i++) {
            sum += x[i];
        }
        float inverse = 1f / sum;
        for (int i = 0; i < n; i++) {
            x[i] *= inverse;
        }
    }

    /**
     * out[oo + t] = Σ_c p[c] values[rows[c] * stride + vo + t] for t &lt; hd: the attention-weighted sum of
     * value rows. Four vectors of the head's columns are accumulated in registers per pass over the rows,
     * so each row's piece is read once, front to back (one pass for a head of 64 on 512-bit vectors): at
     * long contexts the value rows come from memory and this order lets the prefetcher follow.
     */
    static void weightedRows(float[] p, int[] rows, int count, float[] values, int stride, int vo, float[] out, int oo, int hd) {
        int bound = S.loopBound(hd);
        int t = 0;
        for (; t + 4 * L <= bound; t += 4 * L) {
            FloatVector a0 = FloatVector.zero(S);
            FloatVector a1 = a0;
            FloatVector a2 = a0;
            FloatVector a3 = a0;
            for (int c = 0; c < count; c++) {
                FloatVector w = FloatVector.broadcast(S, p[c]);
                int at = rows[c] * stride + vo + t;
                a0 = FloatVector.fromArray(S, values, at).fma(w, a0);
                a1 = FloatVector.fromArray(S, values, at + L).fma(w, a1);
                a2 = FloatVector.fromArray(S, values, at + 2 * L).fma(w, a2);
                a3 = FloatVector.fromArray(S, values, at + 3 * L).fma(w, a3);
            }
            a0.intoArray(out, oo + t);
            a1.intoArray(out, oo + t + L);
            a2.intoArray(out, oo + t + 2 * L);
            a3.intoArray(out, oo + t + 3 * L);
        }
        for (; t < bound; t += L) {
            FloatVector a = FloatVector.zero(S);
            for (int c = 0; c < count; c++) {
                a = FloatVector.fromArray(S, values, rows[c] * stride + vo + t).fma(FloatVector.broadcast(S, p[c]), a);
            }
            a.intoArray(out, oo + t);
        }
        for (; t < hd; t++) {
            float a = 0f;
            for (int c = 0; c < count; c++) {
                a = Math.fma(values[rows[c] * stride + vo + t], p[c], a);
            }
            out[oo + t] = a;
        }
    }

    /**
     * {@link #weightedRows} for two rows whose first {@code shared} visible entries are the same (a sequence's
     * committed prefix): those value rows are loaded once for both. Each row's sums run over its own entries in
     * its own order, the same bits as {@link #weightedRows} gives it alone. Head sizes that are not a multiple of
     * four vectors take the rows one by one.
     */
    static void weightedRowsPair(float[] pa, int[] rowsA, int countA, float[] pb, int[] rowsB, int countB, int shared,
                                 float[] values, int stride, int vo, float[] out, int oa, int ob, int hd) {
        if (hd % (4 * L) != 0) {
            weightedRows(pa, rowsA, countA, values, stride, vo, out, oa, hd);
            weightedRows(pb, rowsB, countB, values, stride, vo, out, ob, hd);
            return;
        }
        for (int t = 0; t < hd; t += 4 * L) {
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
            FloatVector b0 = a0, b1 = a0, b2 = a0, b3 = a0;
            for (int c = 0; c < shared; c++) {
                FloatVector x = FloatVector.broadcast(S, pa[c]);
                FloatVector y = FloatVector.broadcast(S, pb[c]);
                int at = rowsA[c] * stride + vo + t;
                FloatVector v0 = FloatVector.fromArray(S, values, at);
                FloatVector v1 = FloatVector.fromArray(S, values, at + L);
                FloatVector v2 = FloatVector.fromArray(S, values, at + 2 * L);
                FloatVector v3 = FloatVector.fromArray(S, values, at + 3 * L);
                a0 = v0.fma(x, a0);
                a1 = v1.fma(x, a1);
                a2 = v2.fma(x, a2);
                a3 = v3.fma(x, a3);
                b0 = v0.fma(y, b0);
                b1 = v1.fma(y, b1);
                b2 = v2.fma(y, b2);
                b3 = v3.fma(y, b3);
            }
            for (int c = shared; c < countA; c++) {
                FloatVector x = FloatVector.broadcast(S, pa[c]);
                int at = rowsA[c] * stride + vo + t;
                a0 = FloatVector.fromArray(S, values, at).fma(x, a0);
                a1 = FloatVector.fromArray(S, values, at + L).fma(x, a1);
                a2 = FloatVector.fromArray(S, values, at + 2 * L).fma(x, a2);
                a3 = FloatVector.fromArray(S, values, at + 3 * L).fma(x, a3);
            }
            for (int c = shared; c < countB; c++) {
                FloatVector y = FloatVector.broadcast(S, pb[c]);
                int at = rowsB[c] * stride + vo + t;
                b0 = FloatVector.fromArray(S, values, at).fma(y, b0);
                b1 = FloatVector.fromArray(S, values, at + L).fma(y, b1);
                b2 = FloatVector.fromArray(S, values, at + 2 * L).fma(y, b2);
                b3 = FloatVector.fromArray(S, values, at + 3 * L).fma(y, b3);
            }
            a0.intoArray(out, oa + t);
            a1.intoArray(out, oa + t + L);
            a2.intoArray(out, oa + t + 2 * L);
            a3.intoArray(out, oa + t + 3 * L);
            b0.intoArray(out, ob + t);
            b1.intoArray(out, ob + t + L);
            b2.intoArray(out, ob + t + 2 * L);
            b3.intoArray(out, ob + t + 3 * L);
        }
    }

    /** out[oo + j] = silu(gate[j]) · up[j] for j &lt; hidden, gate and up side by side at {@code go}. */
    static void swiglu(float[] gateUp, int go, int hidden, float[] out, int oo) {
        VectorExp.exp(gateUp, go, out, oo, hidden, 0f, -1f);
        int bound = S.loopBound(hidden);
        int j = 0;
        for (; j < bound; j += L) {
            FloatVector g = FloatVector.fromArray(S, gateUp, go + j);
            FloatVector sigmoid = FloatVector.fromArray(S, out, oo + j).add(1f);
            g.div(sigmoid).mul(FloatVector.fromArray(S, gateUp, go + hidden + j)).intoArray(out, oo + j);
        }
        for (; j < hidden; j++) {
            float g = gateUp[go + j];
            out[oo + j] = g / (1f + out[oo + j]) * gateUp[go + hidden + j];
        }
    }
}
