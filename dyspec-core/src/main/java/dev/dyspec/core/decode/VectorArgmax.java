package dev.dyspec.core.decode;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The first index of the largest logit, on vectors: the greedy verifier takes one per visited node over the
 * whole vocabulary. Same answer as the scalar scan; a row holding NaN goes to that scan, whose answer the
 * NaN decides.
 */
final class VectorArgmax {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private VectorArgmax() {
    }

    static int of(float[] values) {
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
        if (Float.isNaN(max)) {
            return Distributions.scalarArgmax(values);
        }
        for (i = 0; i < bound; i += S.length()) {
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
