package dev.dyspec.core.decode;

import dev.dyspec.api.SamplingParams;
import dev.dyspec.core.model.ForwardBackend;
import java.util.Arrays;

/**
 * Turns logits into the distributions both models are sampled and verified with: softmax at the
 * request's temperature, then top-p. At temperature 0 it is the plain softmax, which strategies use
 * as their acceptance estimate while decoding greedily.
 */
public final class Distributions {

    private Distributions() {
    }

    public static float[] of(float[] logits, SamplingParams params) {
        double temperature = params.isGreedy() ? 1.0 : params.temperature();
        float[] p = softmax(logits, temperature);
        if (!params.isGreedy() && params.topP() < 1.0) {
            applyTopP(p, params.topP());
        }
        return p;
    }

    /** Whether this JVM has the vector module, so {@link VectorSoftmax} and {@link VectorScans} can load. */
    private static final boolean VECTOR_API = ForwardBackend.javaAvailable();

    static float[] softmax(float[] logits, double temperature) {
        return VECTOR_API ? VectorSoftmax.of(logits, temperature) : scalarSoftmax(logits, temperature);
    }

    static float[] scalarSoftmax(float[] logits, double temperature) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double[] e = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            e[i] = Math.exp((logits[i] - max) / temperature);
            sum += e[i];
        }
        float[] p = new float[logits.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = (float) (e[i] / sum);
        }
        return p;
    }

    /** Keeps the smallest set of most likely tokens whose mass reaches {@code topP}; ties broken by id. */
    static void applyTopP(float[] p, double topP) {
        Integer[] order = new Integer[p.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> p[a] != p[b] ? Float.compare(p[b], p[a]) : Integer.compare(a, b));
        double cumulative = 0;
        int keep = 0;
        while (keep < order.length && cumulative < topP) {
            cumulative += p[order[keep++]];
        }
        for (int i = keep; i < order.length; i++) {
            p[order[i]] = 0;
        }
        for (int i = 0; i < keep; i++) {
            p[order[i]] = (float) (p[order[i]] / cumulative);
        }
    }

    public static int argmax(float[] values) {
        return VECTOR_API ? VectorScans.argmax(values) : scalarArgmax(values);
    }

    static int scalarArgmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }
}
