package dev.dyspec.app.engine;

import dev.dyspec.app.experiment.ArmAssignment;
import dev.dyspec.core.decode.GenerationRequest;
import io.micrometer.core.instrument.Tags;

/**
 * A validated request, ready for the engine.
 *
 * @param assignment the experiment arm, or null when the request named its strategy or no experiment runs
 */
public record PlannedGeneration(GenerationRequest request, String model, ArmAssignment assignment) {

    public String strategy() {
        return request.strategy().name();
    }

    /** The experiment id, or null. */
    public String experiment() {
        return assignment == null ? null : assignment.experimentId();
    }

    /** The arm name, or null. */
    public String arm() {
        return assignment == null ? null : assignment.arm().name();
    }

    public Tags tags() {
        return Tags.of("model", model, "strategy", strategy(), "experiment", experiment() == null ? "none" : experiment(),
                "arm", arm() == null ? "none" : arm());
    }
}
