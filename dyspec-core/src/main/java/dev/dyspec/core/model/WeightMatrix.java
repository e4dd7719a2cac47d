package dev.dyspec.core.model;

import dev.dyspec.core.checkpoint.HalfPrecision;

/**
 * A projection's weights, kept as compactly as their values allow without changing one: a checkpoint
 * shipped in F16 or BF16 keeps 2 bytes per weight, widened exactly inside the product loops
 * ({@link HalfMatmul}) — half the bytes a one-row forward streams, which is what bounds it — and any other
 * values stay F32 in (in, out) row-major layout. Halves are laid out in panels of {@link #panel} columns,
 * each panel's (in, panel) block contiguous, so a product reads them front to back whatever its row count.
 */
final class WeightMatrix {

    /** Narrowest first. */
    enum Storage { BF16, F16, F32 }

    final int in;
    final int out;
    final Storage storage;
    final float[] floats;  // (in, out) when F32, else null
    final short[] halves;  // (ceil(out / panel), in, panel) bit patterns when F16 or BF16, zero-padded; else null
    final int panel;       // columns per panel of halves; 0 for F32

    private WeightMatrix(int in, int out, Storage storage, float[] floats, short[] halves, int panel) {
        this.in = in;
        this.out = out;
        this.storage = storage;
        this.floats = floats;
        this.halves = halves;
        this.panel = panel;
    }

    /** Keeps {@code data} as F32, whatever its values (the torch kernel uploads these). */
    static WeightMatrix floats(float[] data, int in, int out) {
        requireSize(data, in, out);
        return new WeightMatrix(in, out, Storage.F32, data, null, 0);
    }

    /**
     * The narrowest storage that holds every value of {@code data} ((in, out) row-major) exactly: BF16,
     * F16, else F32.
     *
     * @param panel columns per panel when stored as halves
     */
    static WeightMatrix compact(float[] data, int in, int out, int panel) {
        requireSize(data, in, out);
        Storage storage = narrowestExact(data);
        if (storage == Storage.F32) {
            return floats(data, in, out);
        }
        int panels = (out + panel - 1) / panel;
        short[] halves = new short[panels * in * panel];
        for (int i = 0; i < in; i++) {
            for (int j = 0; j < out; j++) {
                float v = data[i * out + j];
                halves[index(i, j, in, panel)] = storage == Storage.BF16 ? (short) (Float.floatToRawIntBits(v) >>> 16)
                        : HalfPrecision.fromFloat(v);
            }
        }
        return new WeightMatrix(in, out, storage, null, halves, panel);
    }

    private static int index(int i, int j, int in, int panel) {
        return (j / panel) * in * panel + i * panel + j % panel;
    }

    /** BF16 first: its test is one mask per value, so a BF16 checkpoint never pays the F16 round trip. */
    private static Storage narrowestExact(float[] data) {
        boolean brain = true;
        for (int i = 0; i < data.length && brain; i++) {
            brain = (Float.floatToRawIntBits(data[i]) & 0xFFFF) == 0;
        }
        if (brain) {
            return Storage.BF16;
        }
        for (float v : data) {
            if (Float.floatToRawIntBits(HalfPrecision.toFloat(HalfPrecision.fromFloat(v))) != Float.floatToRawIntBits(v)) {
                return Storage.F32;
            }
        }
        return Storage.F16;
    }

    private static void requireSize(float[] data, int in, int out) {
        if ((long) in * out != data.length) {
            throw new IllegalArgumentException("(" + in + ", " + out + ") weights need " + (long) in * out
                    + " values, got " + data.length);
        }
    }

    /** The weight from input {@code i} to output {@code j}. */
    float get(int i, int j) {
        return switch (storage) {
            case F32 -> floats[i * out + j];
            case F16 -> HalfPrecision.toFloat(halves[index(i, j, in, panel)]);
            case BF16 -> Float.intBitsToFloat(halves[index(i, j, in, panel)] << 16);
        };
    }
}
