package dev.dyspec.app.experiment;

import dev.dyspec.app.config.DyspecProperties;

/**
 * The experiment arm a request was assigned to.
 *
 * @param forced chosen by an admin's {@code X-Dyspec-Force-Arm} (QA), kept out of the statistics
 */
public record ArmAssignment(String experimentId, DyspecProperties.Arm arm, boolean forced) {
}
