package dev.dyspec.app.experiment;

/**
 * An always-valid comparison of two arms' means (mixture sequential probability ratio test with a
 * normal mixture, Johari et al. 2017 "Peeking at A/B tests"), updated on every observation. Its p-value
 * and confidence sequence hold at any stopping time, so the report may be read continuously; a
 * fixed-horizon t-test read repeatedly would declare far more false differences.
 *
 * <p>The mixture's scale is a quarter of the pooled standard deviation: effects of that order are
 * detected fastest. Validity does not depend on that choice. The p-value is the running minimum of
 * 1/Λ and the interval the running intersection, over every observation, not only the looks.
 * Synchronized: observations come from the engine thread, reads from requests.
 */
public final class MixtureSequentialTest {

    /** Observations per arm before the test starts (its variance estimates need a few). */
    static final int BURN_IN = 10;
    static final double MIXTURE_SCALE = 0.25;

    private final RunningMoments control = new RunningMoments();
    private final RunningMoments treatment = new RunningMoments();
    private double pValue = 1;
    private double lower = Double.NEGATIVE_INFINITY;
    private double upper = Double.POSITIVE_INFINITY;
    private final double alpha;

    public MixtureSequentialTest(double alpha) {
        this.alpha = alpha;
    }

    public synchronized void addControl(double x) {
        control.add(x);
        update();
    }

    public synchronized void addTreatment(double x) {
        treatment.add(x);
        update();
    }

    private void update() {
        if (control.n() < BURN_IN || treatment.n() < BURN_IN) {
            return;
        }
        double v = control.variance() / control.n() + treatment.variance() / treatment.n();
        double pooled = (control.variance() + treatment.variance()) / 2;
        double tau2 = MIXTURE_SCALE * MIXTURE_SCALE * pooled;
        if (!(v > 0) || !(tau2 > 0)) {
            return;
        }
        double diff = treatment.mean() - control.mean();
        double logLambda = 0.5 * Math.log(v / (v + tau2)) + diff * diff * tau2 / (2 * v * (v + tau2));
        pValue = Math.min(pValue, Math.min(1, Math.exp(-logLambda)));
        double halfWidth = Math.sqrt(v * (v + tau2) / tau2 * (2 * Math.log(1 / alpha) + Math.log((v + tau2) / v)));
        lower = Math.max(lower, diff - halfWidth);
        upper = Math.min(upper, diff + halfWidth);
    }

    public synchronized Result result() {
        return new Result(treatment.mean() - control.mean(), lower, upper, pValue,
                control.n() >= BURN_IN && treatment.n() >= BURN_IN);
    }

    /**
     * @param difference mean(treatment) − mean(control) now
     * @param lower lower end of the always-valid (1 − α) confidence sequence
     * @param upper its upper end
     * @param pValue always-valid p-value
     * @param started whether both arms passed the burn-in
     */
    public record Result(double difference, double lower, double upper, double pValue, boolean started) {
    }

    /** Welford's running mean and variance. */
    static final class RunningMoments {
        private long n;
        private double mean;
        private double m2;

        void add(double x) {
            n++;
            double d = x - mean;
            mean += d / n;
            m2 += d * (x - mean);
        }

        long n() {
            return n;
        }

        double mean() {
            return n == 0 ? Double.NaN : mean;
        }

        double variance() {
            return n < 2 ? Double.NaN : m2 / (n - 1);
        }
    }
}
