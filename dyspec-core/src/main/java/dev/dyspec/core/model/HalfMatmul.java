package dev.dyspec.core.model;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link VectorMath}'s products over weights stored as F16 or BF16 bit patterns in panels of two vectors'
 * columns ({@link WeightMatrix}), widened to float in registers as they are loaded. Widening is exact, and
 * every output element is accumulated in the same order as in {@link VectorMath} (a fused multiply-add per
 * input from zero), so a product gives the same bits as over the widened F32 weights, alone or batched, on
 * any number of threads.
 * <p>
 * A panel's block is read front to back, by up to 8 rows at a time, each with both vectors of its columns
 * in registers: weights come from memory once per 8 rows (shipped target, 8 rows: 1.5 ms of products
 * against 2.2-2.8 ms over row-major halves, 0.55 against 0.65 ms for one row; a microbenchmark, quiet).
 */
final class HalfMatmul {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> INTS = VectorSpecies.of(int.class, S.vectorShape());
    private static final VectorSpecies<Short> SHORTS = VectorSpecies.of(short.class, VectorShape.forBitSize(S.vectorBitSize() / 2));
    private static final int L = S.length();
    private static final int PANEL = 2 * L;
    /** F16's exponent bias is 15, float's 127: a half's bits moved into float position read 2^-112 too small. */
    private static final float HALF_EXPONENT_SHIFT = 0x1p112f;
    /** Sign, 5 exponent and 10 mantissa bits of a half, shifted left by 13 into a float's positions. */
    private static final int HALF_BITS_IN_FLOAT = 0x8FFFE000;

    private HalfMatmul() {
    }

    /** Columns per panel of the halves this class reads (a multiple of {@link VectorMath#lanes()}). */
    static int panelColumns() {
        return PANEL;
    }

    /** y = x W for n rows: x (n, in), y (n, out), row-major from offset 0, on this thread. */
    static void matmul(float[] x, int n, WeightMatrix w, float[] y) {
        stripColumns(x, n, w, y, 0, w.out);
    }

    /** Columns {@code [from, to)} of {@link #matmul}; {@code from} a multiple of {@link #panelColumns()}. */
    static void stripColumns(float[] x, int n, WeightMatrix w, float[] y, int from, int to) {
        boolean brain = w.storage == WeightMatrix.Storage.BF16;
        int first = from / PANEL;
        int end = (to + PANEL - 1) / PANEL;
        if (n == 1) {
            int p = first;
            for (; p + 2 <= end; p += 2) {
                rowTwoPanels(x, w, brain, y, p);
            }
            if (p < end) {
                rows(x, 0, 1, w, brain, y, p);
            }
            return;
        }
        for (int p = first; p < end; p++) {
            int r = 0;
            for (; r + 8 <= n; r += 8) {
                eightRows(x, r, w, brain, y, p);
            }
            for (; r < n; r += 4) {
                rows(x, r, Math.min(4, n - r), w, brain, y, p);
            }
        }
    }

    private static FloatVector widened(short[] h, boolean brain, int at) {
        IntVector bits = (IntVector) ShortVector.fromArray(SHORTS, h, at).convertShape(VectorOperators.S2I, INTS, 0);
        if (brain) {
            return bits.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
        }
        // exact for normal and subnormal halves alike: the product by a power of two only moves the exponent
        return bits.lanewise(VectorOperators.LSHL, 13).and(HALF_BITS_IN_FLOAT).reinterpretAsFloats().mul(HALF_EXPONENT_SHIFT);
    }

    /** Writes a panel's vector of row r; the last panel's columns past {@code out} are padding. */
    private static void store(FloatVector v, float[] y, int r, int column, int out) {
        if (column + L <= out) {
            v.intoArray(y, r * out + column);
        } else if (column < out) {
            v.intoArray(y, r * out + column, S.indexInRange(column, out));
        }
    }

    /** One row over panels p and p + 1: four independent sums keep the multiply-adds from waiting on each other. */
    private static void rowTwoPanels(float[] x, WeightMatrix w, boolean brain, float[] y, int p) {
        int r = 0;
        short[] h = w.halves;
        int in = w.in;
        FloatVector a0 = FloatVector.zero(S);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        int xo = r * in;
        for (int i = 0, wo = p * in * PANEL, wq = wo + in * PANEL; i < in; i++, wo += PANEL, wq += PANEL) {
            FloatVector b = FloatVector.broadcast(S, x[xo + i]);
            a0 = widened(h, brain, wo).fma(b, a0);
            a1 = widened(h, brain, wo + L).fma(b, a1);
            a2 = widened(h, brain, wq).fma(b, a2);
            a3 = widened(h, brain, wq + L).fma(b, a3);
        }
        int column = p * PANEL;
        store(a0, y, r, column, w.out);
        store(a1, y, r, column + L, w.out);
        store(a2, y, r, column + PANEL, w.out);
        store(a3, y, r, column + PANEL + L, w.out);
    }

    /**
     * Rows r .. r + count - 1 (count 1 to 4) over panel p. Fewer than 4 rows repeat the last one in the
     * unused sums rather than branch inside the loop; only the real rows are stored.
     */
    private static void rows(float[] x, int r, int count, WeightMatrix w, boolean brain, float[] y, int p) {
        short[] h = w.halves;
        int in = w.in;
        FloatVector a0 = FloatVector.zero(S);
        FloatVector a1 = a0;
        FloatVector b0 = a0;
        FloatVector b1 = a0;
        FloatVector c0 = a0;
        FloatVector c1 = a0;
        FloatVector d0 = a0;
        FloatVector d1 = a0;
        int xa = r * in;
        int xb = (r + Math.min(1, count - 1)) * in;
        int xc = (r + Math.min(2, count - 1)) * in;
        int xd = (r + count - 1) * in;
        for (int i = 0, wo = p * in * PANEL; i < in; i++, wo += PANEL) {
            FloatVector w0 = widened(h, brain, wo);
            FloatVector w1 = widened(h, brain, wo + L);
            FloatVector q = FloatVector.broadcast(S, x[xa + i]);
            a0 = w0.fma(q, a0);
            a1 = w1.fma(q, a1);
            q = FloatVector.broadcast(S, x[xb + i]);
            b0 = w0.fma(q, b0);
            b1 = w1.fma(q, b1);
            q = FloatVector.broadcast(S, x[xc + i]);
            c0 = w0.fma(q, c0);
            c1 = w1.fma(q, c1);
            q = FloatVector.broadcast(S, x[xd + i]);
            d0 = w0.fma(q, d0);
            d1 = w1.fma(q, d1);
        }
        int column = p * PANEL;
        int out = w.out;
        store(a0, y, r, column, out);
        store(a1, y, r, column + L, out);
        if (count > 1) {
            store(b0, y, r + 1, column, out);
            store(b1, y, r + 1, column + L, out);
        }
        if (count > 2) {
            store(c0, y, r + 2, column, out);
            store(c1, y, r + 2, column + L, out);
        }
        if (count > 3) {
            store(d0, y, r + 3, column, out);
            store(d1, y, r + 3, column + L, out);
        }
    }

    private static void eightRows(float[] x, int r, WeightMatrix w, boolean brain, float[] y, int p) {
        short[] h = w.halves;
        int in = w.in;
        FloatVector a0 = FloatVector.zero(S);
        FloatVector a1 = a0;
        FloatVector b0 = a0;
        FloatVector b1 = a0;
        FloatVector c0 = a0;
        FloatVector c1 = a0;
        FloatVector d0 = a0;
        FloatVector d1 = a0;
        FloatVector e0 = a0;
        FloatVector e1 = a0;
        FloatVector f0 = a0;
        FloatVector f1 = a0;
        FloatVector g0 = a0;
        FloatVector g1 = a0;
        FloatVector k0 = a0;
        FloatVector k1 = a0;
        int xa = r * in;
        for (int i = 0, wo = p * in * PANEL; i < in; i++, wo += PANEL) {
            FloatVector w0 = widened(h, brain, wo);
            FloatVector w1 = widened(h, brain, wo + L);
            FloatVector q = FloatVector.broadcast(S, x[xa + i]);
            a0 = w0.fma(q, a0);
            a1 = w1.fma(q, a1);
            q = FloatVector.broadcast(S, x[xa + in + i]);
            b0 = w0.fma(q, b0);
            b1 = w1.fma(q, b1);
            q = FloatVector.broadcast(S, x[xa + 2 * in + i]);
            c0 = w0.fma(q, c0);
            c1 = w1.fma(q, c1);
            q = FloatVector.broadcast(S, x[xa + 3 * in + i]);
            d0 = w0.fma(q, d0);
            d1 = w1.fma(q, d1);
            q = FloatVector.broadcast(S, x[xa + 4 * in + i]);
            e0 = w0.fma(q, e0);
            e1 = w1.fma(q, e1);
            q = FloatVector.broadcast(S, x[xa + 5 * in + i]);
            f0 = w0.fma(q, f0);
            f1 = w1.fma(q, f1);
            q = FloatVector.broadcast(S, x[xa + 6 * in + i]);
            g0 = w0.fma(q, g0);
            g1 = w1.fma(q, g1);
            q = FloatVector.broadcast(S, x[xa + 7 * in + i]);
            k0 = w0.fma(q, k0);
            k1 = w1.fma(q, k1);
        }
        int column = p * PANEL;
        int out = w.out;
        store(a0, y, r, column, out);
        store(a1, y, r, column + L, out);
        store(b0, y, r + 1, column, out);
        store(b1, y, r + 1, column + L, out);
        store(c0, y, r + 2, column, out);
        store(c1, y, r + 2, column + L, out);
        store(d0, y, r + 3, column, out);
        store(d1, y, r + 3, column + L, out);
        store(e0, y, r + 4, column, out);
        store(e1, y, r + 4, column + L, out);
        store(f0, y, r + 5, column, out);
        store(f1, y, r + 5, column + L, out);
        store(g0, y, r + 6, column, out);
        store(g1, y, r + 6, column + L, out);
        store(k0, y, r + 7, column, out);
        store(k1, y, r + 7, column + L, out);
    }
}
