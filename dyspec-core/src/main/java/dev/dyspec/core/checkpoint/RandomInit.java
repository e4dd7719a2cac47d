package dev.dyspec.core.checkpoint;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Freshly initialised weights for a config: norms at one, matrices Gaussian with standard deviation
 * 0.02 (GPT-2/Llama practice), output projections scaled down by 1/sqrt(2 · layers).
 */
public final class RandomInit {

    private RandomInit() {
    }

    public static Checkpoint checkpoint(ModelConfig config, long seed) {
        return new Checkpoint(Path.of("random(" + config.hiddenSize() + "x" + config.numLayers() + ", seed " + seed + ")"),
                config, weights(config, seed));
    }

    public static Map<String, WeightTensor> weights(ModelConfig config, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Map<String, WeightTensor> w = new LinkedHashMap<>();
        double residualScale = 1.0 / Math.sqrt(2.0 * config.numLayers());
        for (Map.Entry<String, int[]> e : LlamaTensorNames.expectedShapes(config).entrySet()) {
            int[] shape = e.getValue();
            int n = 1;
            for (int s : shape) {
                n *= s;
            }
            float[] data = new float[n];
            if (shape.length == 1) {
                java.util.Arrays.fill(data, 1f);
            } else {
                boolean residual = e.getKey().endsWith(LlamaTensorNames.O) || e.getKey().endsWith(LlamaTensorNames.DOWN);
                double std = 0.02 * (residual ? residualScale : 1.0);
                for (int i = 0; i < n; i++) {
                    data[i] = (float) (std * random.nextGaussian());
                }
            }
            w.put(e.getKey(), new WeightTensor(e.getKey(), shape, data));
        }
        return w;
    }
}
