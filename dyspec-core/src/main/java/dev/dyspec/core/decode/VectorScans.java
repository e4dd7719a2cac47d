package dev.dyspec.core.decode;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Scans over a vocabulary's logits on vectors: the verifier and the sampler take one per visited node. */
final class VectorScans {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private VectorScans() {
    }

    /** The largest value (NaN if any is NaN; -∞ for none). */
    static float max(float[] values) {
        int bound = S.loopBound(values.length);
        FloatVector maxima = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        int i = 0;
        for (; i < bound; i += S.length()) {
            maxima = maxima.max(FloatVector.fromArray(S, values, i));
        }
        float max = maxima.reduceLanes(VectorOperators.MAX);
        for (; i < values.length; i++) {
            max = Math.max(max, values[i]);
        }
        return max;
    }

    /**
     * The first index of the largest value: the scalar scan's answer. A row holding NaN goes to that scan,
     * whose answer the NaN decides.
     */
    static int argmax(float[] values) {
        float max = max(values);
        if (Float.isNaN(max)) {
            return Distributions.scalarArgmax(values);
        }
        int bound = S.loopBound(values.length);
        int i = 0;
        for (; i < bound; i += S.length()) {
            VectorMask<Float> equal = FloatVector.fromArray(S, values, i).compare(VectorOperators.EQ, max);
            if (equal.anyTrue()) {
                return i + equal.firstTrue();
            }
        }
        for (; i < values.length; i++) {
            if (values[i] == max) {
                return i;
            }
        }
        return 0; // an empty row
    }
}
