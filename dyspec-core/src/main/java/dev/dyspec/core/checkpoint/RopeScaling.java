package dev.dyspec.core.checkpoint;

/**
 * How a checkpoint stretches RoPE beyond the context it was pretrained on ({@code rope_scaling} in
 * {@code config.json}). Each type changes only the per-pair inverse frequencies.
 *
 * @param type {@code none}, {@code linear} (positions divided by the factor) or {@code llama3}
 *     (long wavelengths divided by the factor, short ones kept, a smooth blend between)
 */
public record RopeScaling(String type, double factor, double lowFreqFactor, double highFreqFactor,
                          int originalMaxPositions) {

    public static final RopeScaling NONE = new RopeScaling("none", 1, 0, 0, 0);

    public static RopeScaling linear(double factor) {
        return new RopeScaling("linear", factor, 0, 0, 0);
    }

    public static RopeScaling llama3(double factor, double lowFreqFactor, double highFreqFactor, int originalMaxPositions) {
        return new RopeScaling("llama3", factor, lowFreqFactor, highFreqFactor, originalMaxPositions);
    }

    public RopeScaling {
        if (!(factor > 0)) {
            throw new IllegalArgumentException("rope_scaling.factor must be positive, got " + factor);
        }
        if (type.equals("llama3") && !(highFreqFactor > lowFreqFactor && lowFreqFactor > 0 && originalMaxPositions > 0)) {
            throw new IllegalArgumentException("llama3 rope_scaling needs 0 < low_freq_factor < high_freq_factor and "
                    + "original_max_position_embeddings > 0");
        }
    }

    /** The inverse frequency of rotary pair j of a head of headDim columns, after scaling. */
    public double inverseFrequency(int j, int headDim, double theta) {
        double inv = Math.pow(theta, -2.0 * j / headDim);
        return switch (type) {
            case "linear" -> inv / factor;
            case "llama3" -> llama3(inv);
            default -> inv;
        };
    }

    private double llama3(double inv) {
        double wavelength = 2 * Math.PI / inv;
        double lowFreqWavelength = originalMaxPositions / lowFreqFactor;
        double highFreqWavelength = originalMaxPositions / highFreqFactor;
        if (wavelength < highFreqWavelength) {
            return inv;
        }
        if (wavelength > lowFreqWavelength) {
            return inv / factor;
        }
        double smooth = (originalMaxPositions / wavelength - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
        return (1 - smooth) * inv / factor + smooth * inv;
    }
}
