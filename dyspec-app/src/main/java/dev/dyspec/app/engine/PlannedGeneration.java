package dev.dyspec.app.engine;

import dev.dyspec.core.decode.GenerationRequest;
import io.micrometer.core.instrument.Tags;

/**
 * A validated request, ready for the engine.
 *
 * @param experiment the experiment id, or null
 * @param arm the arm name, or null
 */
public record PlannedGeneration(GenerationRequest request, String model, String experiment, String arm) {

    public String strategy() {
        return request.strategy().name();
    }

    public Tags tags() {
        return Tags.of("model", model, "strategy", strategy(), "experiment", experiment == null ? "none" : experiment,
                "arm", arm == null ? "none" : arm);
    }
}
