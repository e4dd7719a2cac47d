package dev.dyspec.app.experiment;

import java.util.List;

/** Means, quantiles, Welch's t-test with its 95% confidence interval, and the chi-square tail. */
public final class Statistics {

    private Statistics() {
    }

    public static double mean(List<Double> xs) {
        return xs.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    public static double variance(List<Double> xs) {
        if (xs.size() < 2) {
            return Double.NaN;
        }
        double m = mean(xs);
        double s = 0;
        for (double x : xs) {
            s += (x - m) * (x - m);
        }
        return s / (xs.size() - 1);
    }

    /** Linear-interpolated quantile, q in [0, 1]. */
    public static double quantile(List<Double> xs, double q) {
        if (xs.isEmpty()) {
            return Double.NaN;
        }
        double[] s = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double pos = q * (s.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(s.length - 1, lo + 1);
        return s[lo] + (pos - lo) * (s[hi] - s[lo]);
    }

    /**
     * Welch's two-sample t-test of mean(b) − mean(a).
     *
     * @return difference, lower and upper bound of its 95% interval, two-sided p-value; NaNs when
     *     either sample has fewer than two values
     */
    public static double[] welch(List<Double> a, List<Double> b) {
        double diff = mean(b) - mean(a);
        if (a.size() < 2 || b.size() < 2) {
            return new double[] {diff, Double.NaN, Double.NaN, Double.NaN};
        }
        double va = variance(a) / a.size();
        double vb = variance(b) / b.size();
        double se = Math.sqrt(va + vb);
        if (se == 0) {
            return new double[] {diff, diff, diff, diff == 0 ? 1.0 : 0.0};
        }
        double df = (va + vb) * (va + vb) / (va * va / (a.size() - 1) + vb * vb / (b.size() - 1));
        double t = diff / se;
        double p = 2 * studentTail(Math.abs(t), df);
        double crit = studentQuantile(0.975, df);
        return new double[] {diff, diff - crit * se, diff + crit * se, p};
    }

    /** P(T > t) for Student's t with df degrees of freedom. */
    static double studentTail(double t, double df) {
        double x = df / (df + t * t);
        return 0.5 * regularizedBeta(x, df / 2, 0.5);
    }

    /** The p-quantile (p > 0.5) of Student's t, by bisection on the tail. */
    static double studentQuantile(double p, double df) {
        double lo = 0;
        double hi = 1000;
        for (int i = 0; i < 200; i++) {
            double mid = (lo + hi) / 2;
            if (1 - studentTail(mid, df) < p) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return (lo + hi) / 2;
    }

    /**
     * I_x(a, b) by its continued fraction (Lentz's method), evaluated on the side where it converges:
     * I_x(a, b) = 1 − I_{1−x}(b, a). The swap is decided once, never recursively — at the boundary both
     * sides can look preferable in floating point.
     */
    static double regularizedBeta(double x, double a, double b) {
        if (!(x > 0)) {
            return 0;
        }
        if (x >= 1) {
            return 1;
        }
        if (x > (a + 1) / (a + b + 2)) {
            return 1 - betaContinuedFraction(1 - x, b, a);
        }
        return betaContinuedFraction(x, a, b);
    }

    private static double betaContinuedFraction(double x, double a, double b) {
        double lnFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x);
        double f = 1;
        double c = 1;
        double d = 0;
        for (int i = 0; i <= 300; i++) {
            int m = i / 2;
            double numerator;
            if (i == 0) {
                numerator = 1;
            } else if (i % 2 == 0) {
                numerator = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m));
            } else {
                numerator = -((a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1));
            }
            d = 1 + numerator * d;
            d = Math.abs(d) < 1e-300 ? 1e-300 : d;
            d = 1 / d;
            c = 1 + numerator / c;
            c = Math.abs(c) < 1e-300 ? 1e-300 : c;
            double cd = c * d;
            f *= cd;
            if (Math.abs(1 - cd) < 1e-12) {
                break;
            }
        }
        return Math.exp(lnFront) * (f - 1) / a;
    }

    /** P(X > x) for a chi-square variable with df degrees of freedom. */
    public static double chiSquareSurvival(double x, double df) {
        return x <= 0 ? 1 : regularizedGammaQ(df / 2, x / 2);
    }

    /** Q(a, x) = Γ(a, x)/Γ(a): the series for P below a + 1, the continued fraction above. */
    static double regularizedGammaQ(double a, double x) {
        if (x <= 0) {
            return 1;
        }
        double lnFront = -x + a * Math.log(x) - logGamma(a);
        if (x < a + 1) {
            double term = 1 / a;
            double sum = term;
            for (int n = 1; n < 1000 && Math.abs(term) > Math.abs(sum) * 1e-15; n++) {
                term *= x / (a + n);
                sum += term;
            }
            return Math.max(0, 1 - sum * Math.exp(lnFront));
        }
        double b = x + 1 - a;
        double c = 1 / 1e-300;
        double d = 1 / b;
        double h = d;
        for (int i = 1; i < 1000; i++) {
            double an = -i * (i - a);
            b += 2;
            d = an * d + b;
            d = Math.abs(d) < 1e-300 ? 1e-300 : d;
            c = b + an / c;
            c = Math.abs(c) < 1e-300 ? 1e-300 : c;
            d = 1 / d;
            double delta = d * c;
            h *= delta;
            if (Math.abs(delta - 1) < 1e-15) {
                break;
            }
        }
        return Math.exp(lnFront) * h;
    }

    /** Lanczos approximation. */
    static double logGamma(double x) {
        double[] g = {676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
            12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7};
        if (x < 0.5) {
            return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
        }
        x -= 1;
        double a = 0.99999999999980993;
        double t = x + 7.5;
        for (int i = 0; i < g.length; i++) {
            a += g[i] / (x + i + 1);
        }
        return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
    }
}
