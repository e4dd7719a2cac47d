package dev.dyspec.app.experiment;

import java.time.Instant;
import java.util.List;

/**
 * What {@code GET /v1/experiments/{id}} returns.
 *
 * @param srm the sample-ratio check of exposures per arm (and of distinct users) against the current weights
 * @param comparisons each treatment arm against the first (control) arm, per metric
 * @param readingGuide which test to read when
 * @param history every run-time change of the experiment, oldest first
 */
public record ExperimentReport(String id, boolean enabled, String salt, List<Arm> arms, Srm srm,
                               List<Comparison> comparisons, String readingGuide, List<Change> history) {

    /** One arm's exposure, outcome and guardrail figures. */
    public record Arm(String name, String strategy, double weight, long exposures, long distinctUsers, long requests,
                      long failed, long cancelled, long generatedTokens, Double meanTau, Summary tokensPerSecond,
                      Summary timeToFirstTokenMs, Summary interTokenLatencyMs) {
    }

    public record Summary(Double mean, Double p50, Double p95, Double p99) {
    }

    /**
     * @param srm true when either check finds a mismatch (p &lt; 0.001): the assignment or its logging is broken
     */
    public record Srm(boolean srm, double alpha, Check requests, Check users) {
    }

    public record Check(double chiSquare, double pValue, boolean mismatch) {
    }

    /**
     * @param fixedHorizon Welch's t-test: valid only when read once, at a sample size fixed in advance
     * @param sequential mixture SPRT: valid at every look
     */
    public record Comparison(String metric, String control, String treatment, double difference, FixedHorizon fixedHorizon,
                             Sequential sequential) {
    }

    public record FixedHorizon(String test, List<Double> ci95, Double pValue, boolean significant) {
    }

    public record Sequential(String test, boolean started, List<Double> confidenceSequence95, double pValue,
                             boolean significant) {
    }

    /** A run-time change: what was set, when, by whom (the admin key's label is never the key itself). */
    public record Change(Instant at, Boolean enabled, java.util.Map<String, Double> weights) {
    }
}
