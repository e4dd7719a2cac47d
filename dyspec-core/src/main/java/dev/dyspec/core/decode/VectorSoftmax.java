package dev.dyspec.core.decode;

import dev.dyspec.core.model.VectorExp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Softmax over a vocabulary on a vector exp ({@link VectorExp}, under 1 ns against 5-15 ns per {@link Math#exp}): a
 * sampled step takes one per visited target node and one per draft expansion, each over every token.
 * Loaded only where the JVM has the vector module ({@link Distributions} checks).
 */
final class VectorSoftmax {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private VectorSoftmax() {
    }

    static float[] of(float[] logits, double temperature) {
        float max = VectorScans.max(logits);
        float inverseTemperature = (float) (1.0 / temperature);
        float[] p = new float[logits.length];
        VectorExp.exp(logits, 0, p, 0, logits.length, max, inverseTemperature);
        double sum = 0;
        for (float e : p) {
            sum += e;
        }
        float inverse = (float) (1.0 / sum);
        int bound = S.loopBound(p.length);
        int i = 0;
        for (; i < bound; i += S.length()) {
            FloatVector.fromArray(S, p, i).mul(inverse).intoArray(p, i);
        }
        for (; i < p.length; i++) {
            p[i] *= inverse;
        }
        return p;
    }
}
