package dev.dyspec.app.bench;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/** Intervals for the bench: t-interval of a mean, bootstrap interval of a median. */
public final class BenchStatistics {

    private BenchStatistics() {
    }

    /** {mean, low, high} of the 95% Student-t interval; low = high = mean for fewer than two values. */
    public static double[] meanInterval(List<Double> xs) {
        double mean = xs.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        if (xs.size() < 2) {
            return new double[] {mean, mean, mean};
        }
        double ss = 0;
        for (double x : xs) {
            ss += (x - mean) * (x - mean);
        }
        double se = Math.sqrt(ss / (xs.size() - 1) / xs.size());
        double t = tQuantile975(xs.size() - 1);
        return new double[] {mean, mean - t * se, mean + t * se};
    }

    /** {median, low, high}: the median and a 95% percentile-bootstrap interval (2000 resamples, fixed seed). */
    public static double[] medianInterval(List<Double> xs) {
        double[] v = xs.stream().mapToDouble(Double::doubleValue).toArray();
        double median = median(v);
        if (v.length < 2) {
            return new double[] {median, median, median};
        }
        SplittableRandom random = new SplittableRandom(12345);
        double[] boots = new double[2000];
        double[] sample = new double[v.length];
        for (int b = 0; b < boots.length; b++) {
            for (int i = 0; i < v.length; i++) {
                sample[i] = v[random.nextInt(v.length)];
            }
            boots[b] = median(sample);
        }
        Arrays.sort(boots);
        return new double[] {median, boots[(int) (0.025 * boots.length)], boots[(int) (0.975 * boots.length) - 1]};
    }

    public static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] s = values.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    /** Two-sided 95% quantile of Student's t (table for small df, normal beyond). */
    static double tQuantile975(int df) {
        double[] table = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
            2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048,
            2.045, 2.042};
        if (df <= 0) {
            return Double.NaN;
        }
        return df <= table.length ? table[df - 1] : 1.96 + 2.4 / df;
    }
}
