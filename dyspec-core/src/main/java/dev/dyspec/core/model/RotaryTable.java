package dev.dyspec.core.model;

import dev.dyspec.core.checkpoint.RopeScaling;

/**
 * Rotary position angles in the rotate-half layout: for position p and column j of a head,
 * angle = p * f(j mod half), f the (possibly scaled) inverse frequency theta^(-2 j / head_size).
 * Computed in double, stored as float.
 */
final class RotaryTable {

    private final float[] cos; // (positions, head_size)
    private final float[] sin; // (positions, head_size)
    private final int headSize;
    private final int positions;

    RotaryTable(int headSize, int positions, double theta, RopeScaling scaling) {
        this.headSize = headSize;
        this.positions = positions;
        this.cos = new float[positions * headSize];
        this.sin = new float[positions * headSize];
        int half = headSize / 2;
        double[] inverseFrequency = new double[half];
        for (int j = 0; j < half; j++) {
            inverseFrequency[j] = scaling.inverseFrequency(j, headSize, theta);
        }
        for (int p = 0; p < positions; p++) {
            for (int j = 0; j < half; j++) {
                double angle = p * inverseFrequency[j];
                float c = (float) Math.cos(angle);
                float s = (float) Math.sin(angle);
                cos[p * headSize + j] = c;
                cos[p * headSize + half + j] = c;
                sin[p * headSize + j] = s;
                sin[p * headSize + half + j] = s;
            }
        }
    }

    /** Rows of the cos table for the given positions, flattened (n, head_size). */
    float[] cosRows(int[] pos) {
        return rows(cos, pos);
    }

    float[] sinRows(int[] pos) {
        return rows(sin, pos);
    }

    /** Rotates one head's vector of {@code head_size} floats at {@code offset} to {@code position}, in place. */
    void rotate(float[] v, int offset, int position) {
        int half = headSize / 2;
        int t = position * headSize;
        for (int j = 0; j < half; j++) {
            float a = v[offset + j];
            float b = v[offset + half + j];
            v[offset + j] = a * cos[t + j] - b * sin[t + j];
            v[offset + half + j] = b * cos[t + half + j] + a * sin[t + half + j];
        }
    }

    private float[] rows(float[] table, int[] pos) {
        float[] out = new float[pos.length * headSize];
        for (int i = 0; i < pos.length; i++) {
            if (pos[i] < 0 || pos[i] >= positions) {
                throw new IllegalArgumentException("position " + pos[i] + " outside [0, " + positions + ")");
            }
            System.arraycopy(table, pos[i] * headSize, out, i * headSize, headSize);
        }
        return out;
    }
}
