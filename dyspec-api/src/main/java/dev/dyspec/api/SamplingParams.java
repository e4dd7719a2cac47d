package dev.dyspec.api;

/**
 * Sampling parameters shared by the draft and the target, so both distributions are shaped alike.
 *
 * @param temperature 0 means greedy decoding; otherwise in (0, 2]
 * @param topP nucleus mass in (0, 1]; 1 disables it
 * @param seed seed of the generation's random source
 */
public record SamplingParams(double temperature, double topP, long seed) {

    public static final double MAX_TEMPERATURE = 2.0;

    public SamplingParams {
        if (!(temperature >= 0 && temperature <= MAX_TEMPERATURE)) {
            throw new IllegalArgumentException("temperature must be in [0, 2], got " + temperature);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("top_p must be in (0, 1], got " + topP);
        }
    }

    public static SamplingParams greedy() {
        return new SamplingParams(0, 1, 0);
    }

    public boolean isGreedy() {
        return temperature == 0;
    }
}
