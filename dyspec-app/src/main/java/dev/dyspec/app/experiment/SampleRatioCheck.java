package dev.dyspec.app.experiment;

/**
 * Sample-ratio mismatch: a chi-square goodness-of-fit test of the observed counts per arm against the
 * configured weights. A mismatch (p &lt; {@value #ALPHA}) means the assignment or the logging is broken,
 * and every comparison in the report is suspect.
 *
 * @param chiSquare the statistic
 * @param pValue its upper-tail probability with arms − 1 degrees of freedom
 * @param mismatch whether p &lt; {@value #ALPHA}
 */
public record SampleRatioCheck(double chiSquare, double pValue, boolean mismatch) {

    /** The conventional SRM threshold: strict, because the check runs on every report. */
    public static final double ALPHA = 0.001;

    public static SampleRatioCheck of(long[] observed, double[] weights) {
        long total = 0;
        double weightSum = 0;
        for (int i = 0; i < observed.length; i++) {
            total += observed[i];
            weightSum += weights[i];
        }
        if (total == 0 || observed.length < 2) {
            return new SampleRatioCheck(0, 1, false);
        }
        double chi = 0;
        for (int i = 0; i < observed.length; i++) {
            double expected = total * weights[i] / weightSum;
            chi += (observed[i] - expected) * (observed[i] - expected) / expected;
        }
        double p = Statistics.chiSquareSurvival(chi, observed.length - 1);
        return new SampleRatioCheck(chi, p, p < ALPHA);
    }
}
