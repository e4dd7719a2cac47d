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
 * in registers: weights come from memory once per 8 rows. Every store is a plain one into the output or a
 * scratch, never through a helper method: the JIT stopped inlining the last of an 8-row pass's 16 calls to
 * a masked-store helper (its node budget ran out), which then allocated those vectors, and only in some
 * compilations — the same 8 rows took 1.40 ms or 1.79 ms of products from one JVM to the next (shipped
 * target, one thread, a microbenchmark); with plain stores 1.30 ms every time, 9 rows 1.77 (was 2.23),
 * 5 to 7 rows 1.30 (1.66), one row 0.51 (0.61-1.44, see {@link #loneRow}).
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
        int full = Math.min(end, w.out / PANEL); // from < out: never before first
        panels(x, n, w, brain, y, w.out, 0, first, full);
        if (full < end) {
            // the last panel's columns past out are padding: its sums go to a scratch, so that every store in
            // the passes is a plain one (a masked store made the 8-row pass too large for the JIT to inline its
            // stores, and a vector passed to a call that is not inlined is allocated)
            int column = full * PANEL;
            float[] scratch = new float[n * PANEL];
            panels(x, n, w, brain, scratch, PANEL, column, full, end);
            for (int r = 0; r < n; r++) {
                System.arraycopy(scratch, r * PANEL, y, r * w.out + column, w.out - column);
            }
        }
    }

    /**
     * Panels {@code [first, end)} for all n rows, sums of row r and panel p stored at
     * {@code dst[r * stride + p * PANEL - shift]} onwards: 8 rows at a time; a remainder of 5 to 7 rows as a
     * padded pass of 8, 2 to 4 as one of 4; a lone row takes two panels at a time.
     */
    private static void panels(float[] x, int n, WeightMatrix w, boolean brain, float[] dst, int stride, int shift, int first, int end) {
        int tail = n % 8;
        int whole = n - tail;
        for (int p = first; p < end; p++) {
            for (int r = 0; r < whole; r += 8) {
                eightRows(x, r, 8, w, brain, dst, stride, shift, p);
            }
            if (tail > 4) {
                eightRows(x, whole, tail, w, brain, dst, stride, shift, p);
            } else if (tail > 1) {
                rows(x, whole, tail, w, brain, dst, stride, shift, p);
            }
        }
        if (tail == 1) {
            loneRow(x, whole, w, brain, dst, stride, shift, first, end);
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

    /**
     * Row r over panels [first, end), two at a time: a lone row is bound by its chains of multiply-adds, not
     * by arithmetic, and two panels give it four. One method for the whole loop nest, too large for C2 to
     * inline: the pair's loop inlined into {@link #panels} ran at 0.67-1.08 ms per forward's products instead
     * of 0.48 (shipped target, one thread), depending on what the JVM had compiled first.
     */
    private static void loneRow(float[] x, int r, WeightMatrix w, boolean brain, float[] dst, int stride, int shift,
                                int first, int end) {
        short[] h = w.halves;
        int in = w.in;
        int xo = r * in;
        int p = first;
        for (; p + 2 <= end; p += 2) {
            FloatVector a0 = FloatVector.zero(S);
            FloatVector a1 = a0;
            FloatVector a2 = a0;
            FloatVector a3 = a0;
            for (int i = 0, wo = p * in * PANEL, wq = wo + in * PANEL; i < in; i++, wo += PANEL, wq += PANEL) {
                FloatVector b = FloatVector.broadcast(S, x[xo + i]);
                a0 = widened(h, brain, wo).fma(b, a0);
                a1 = widened(h, brain, wo + L).fma(b, a1);
                a2 = widened(h, brain, wq).fma(b, a2);
                a3 = widened(h, brain, wq + L).fma(b, a3);
            }
            int at = r * stride + p * PANEL - shift;
            a0.intoArray(dst, at);
            a1.intoArray(dst, at + L);
            a2.intoArray(dst, at + PANEL);
            a3.intoArray(dst, at + PANEL + L);
        }
        if (p < end) {
            FloatVector a0 = FloatVector.zero(S);
            FloatVector a1 = a0;
            for (int i = 0, wo = p * in * PANEL; i < in; i++, wo += PANEL) {
                FloatVector b = FloatVector.broadcast(S, x[xo + i]);
                a0 = widened(h, brain, wo).fma(b, a0);
                a1 = widened(h, brain, wo + L).fma(b, a1);
            }
            int at = r * stride + p * PANEL - shift;
            a0.intoArray(dst, at);
            a1.intoArray(dst, at + L);
        }
    }

    /**
     * Rows r .. r + count - 1 (count 1 to 4; a lone row goes by {@link #loneRow}) over panel p. Fewer than 4
     * rows repeat the last one in the unused sums rather than branch inside the loop, and store them over the
     * last row's (the same bits).
     */
    private static void rows(float[] x, int r, int count, WeightMatrix w, boolean brain, float[] dst, int stride, int shift, int p) {
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
        int rb = r + Math.min(1, count - 1);
        int rc = r + Math.min(2, count - 1);
        int rd = r + count - 1;
        int xa = r * in;
        int xb = rb * in;
        int xc = rc * in;
        int xd = rd * in;
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
        int column = p * PANEL - shift;
        a0.intoArray(dst, r * stride + column);
        a1.intoArray(dst, r * stride + column + L);
        b0.intoArray(dst, rb * stride + column);
        b1.intoArray(dst, rb * stride + column + L);
        c0.intoArray(dst, rc * stride + column);
        c1.intoArray(dst, rc * stride + column + L);
        d0.intoArray(dst, rd * stride + column);
        d1.intoArray(dst, rd * stride + column + L);
    }

    /** Rows r .. r + count - 1 (count 5 to 8) over panel p, padded as in {@link #rows}. */
    private static void eightRows(float[] x, int r, int count, WeightMatrix w, boolean brain, float[] dst, int stride, int shift, int p) {
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
        int rf = r + Math.min(5, count - 1);
        int rg = r + Math.min(6, count - 1);
        int rk = r + count - 1;
        int xa = r * in;
        int xf = rf * in;
        int xg = rg * in;
        int xk = rk * in;
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
            q = FloatVector.broadcast(S, x[xf + i]);
            f0 = w0.fma(q, f0);
            f1 = w1.fma(q, f1);
            q = FloatVector.broadcast(S, x[xg + i]);
            g0 = w0.fma(q, g0);
            g1 = w1.fma(q, g1);
            q = FloatVector.broadcast(S, x[xk + i]);
            k0 = w0.fma(q, k0);
            k1 = w1.fma(q, k1);
        }
        int column = p * PANEL - shift;
        int at = r * stride + column;
        a0.intoArray(dst, at);
        a1.intoArray(dst, at + L);
        b0.intoArray(dst, at + stride);
        b1.intoArray(dst, at + stride + L);
        c0.intoArray(dst, at + 2 * stride);
        c1.intoArray(dst, at + 2 * stride + L);
        d0.intoArray(dst, at + 3 * stride);
        d1.intoArray(dst, at + 3 * stride + L);
        e0.intoArray(dst, at + 4 * stride);
        e1.intoArray(dst, at + 4 * stride + L);
        f0.intoArray(dst, rf * stride + column);
        f1.intoArray(dst, rf * stride + column + L);
        g0.intoArray(dst, rg * stride + column);
        g1.intoArray(dst, rg * stride + column + L);
        k0.intoArray(dst, rk * stride + column);
        k1.intoArray(dst, rk * stride + column + L);
    }
}
