package dev.dyspec.app.experiment;

import dev.dyspec.app.config.DyspecProperties;

/** The experiment arm a request was assigned to. */
public record ArmAssignment(String experimentId, DyspecProperties.Arm arm) {
}
