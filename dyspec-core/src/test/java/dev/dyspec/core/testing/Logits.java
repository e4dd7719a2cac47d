package dev.dyspec.core.testing;

/** Comparisons of logit rows. */
public final class Logits {

    private Logits() {
    }

    /** max |a - b| over the row divided by max |b|: the error relative to the logits' scale. */
    public static double maxRelativeDifference(float[] a, double[] b) {
        double maxDiff = 0;
        double scale = 1e-12;
        for (int i = 0; i < a.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
            scale = Math.max(scale, Math.abs(b[i]));
        }
        return maxDiff / scale;
    }

    public static double maxRelativeDifference(float[] a, float[] b) {
        double[] d = new double[b.length];
        for (int i = 0; i < b.length; i++) {
            d[i] = b[i];
        }
        return maxRelativeDifference(a, d);
    }

}
