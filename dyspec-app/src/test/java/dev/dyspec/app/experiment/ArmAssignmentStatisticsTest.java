package dev.dyspec.app.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Assignment splits real id formats as the weights say, and the report's statistics hold what they claim. */
class ArmAssignmentStatisticsTest {

    private static final int USERS = 10_000;

    private static IntFunction<String> format(String name) {
        Random r = new Random(name.hashCode());
        return switch (name) {
            case "u" -> i -> "u" + (i + 1);
            case "user-0001" -> i -> String.format(Locale.ROOT, "user-%04d", i + 1);
            case "customer_" -> i -> "customer_" + (i + 1);
            case "number" -> i -> Integer.toString(i + 1);
            case "uuid" -> i -> new UUID(r.nextLong(), r.nextLong()).toString();
            case "email" -> i -> "first.last" + (i + 1) + "@example.com";
            default -> throw new IllegalArgumentException(name);
        };
    }

    private static long[] split(String salt, IntFunction<String> ids, double[] weights) {
        long[] counts = new long[weights.length];
        for (int i = 0; i < USERS; i++) {
            counts[ExperimentService.armIndex(ArmHash.unit(salt, ids.apply(i)), weights)]++;
        }
        return counts;
    }

    @ParameterizedTest(name = "{0} ids, weights {1}:{2}")
    @CsvSource({"u,1,1", "u,1,3", "user-0001,1,1", "user-0001,1,3", "customer_,1,1", "customer_,1,3", "number,1,1",
        "number,1,3", "uuid,1,1", "uuid,1,3", "email,1,1", "email,1,3"})
    void idsOfEveryFormatSplitAsTheWeightsSay(String name, double w0, double w1) {
        double[] weights = {w0, w1};
        long[] counts = split("tree-vs-chain", format(name), weights);
        SampleRatioCheck check = SampleRatioCheck.of(counts, weights);
        System.out.printf(Locale.ROOT, "split %-10s %s:%s -> %d / %d (first arm %.1f%%, p = %.3f)%n", name, w0, w1,
                counts[0], counts[1], 100.0 * counts[0] / USERS, check.pValue());
        assertThat(check.mismatch()).as("chi-square p = %s for %s", check.pValue(), java.util.Arrays.toString(counts))
                .isFalse();
    }

    @Test
    void theSameIdAlwaysGetsTheSameUnitAndExperimentsAreSaltedApart() {
        assertThat(ArmHash.unit("a", "user-17")).isEqualTo(ArmHash.unit("a", "user-17"));
        // two experiments: whether a user is in arm 0 of one says nothing about the other (2x2 independence)
        long[][] table = new long[2][2];
        double[] half = {1, 1};
        for (int i = 0; i < USERS; i++) {
            String id = "u" + i;
            table[ExperimentService.armIndex(ArmHash.unit("exp-a", id), half)]
                    [ExperimentService.armIndex(ArmHash.unit("exp-b", id), half)]++;
        }
        long[] flat = {table[0][0], table[0][1], table[1][0], table[1][1]};
        double[] expected = new double[4];
        for (int a = 0; a < 2; a++) {
            for (int b = 0; b < 2; b++) {
                expected[a * 2 + b] = (double) (table[a][0] + table[a][1]) * (table[0][b] + table[1][b]);
            }
        }
        assertThat(SampleRatioCheck.of(flat, expected).mismatch()).as(java.util.Arrays.toString(flat)).isFalse();
    }

    @Test
    void changingTwoArmWeightsMovesOnlyTheShareThatMoved() {
        int moved = 0;
        for (int i = 0; i < USERS; i++) {
            double u = ArmHash.unit("e", "u" + i);
            if (ExperimentService.armIndex(u, new double[] {1, 1}) != ExperimentService.armIndex(u, new double[] {6, 4})) {
                moved++;
            }
        }
        // 50% → 60% in the first arm: about a tenth of the users move, all of them into the first arm
        assertThat(moved).isBetween(850, 1150);
    }

    @Test
    void sampleRatioMismatchFlagsASkewAndStaysQuietOnAFairSplit() {
        assertThat(SampleRatioCheck.of(new long[] {5_300, 4_700}, new double[] {1, 1}).mismatch()).isTrue();
        assertThat(SampleRatioCheck.of(new long[] {5_040, 4_960}, new double[] {1, 1}).mismatch()).isFalse();
        assertThat(SampleRatioCheck.of(new long[] {2_500, 7_500}, new double[] {1, 3}).mismatch()).isFalse();
        assertThat(SampleRatioCheck.of(new long[] {3_000, 7_000}, new double[] {1, 3}).mismatch()).isTrue();
        // the first wave's FNV assignment of sequential ids: 64% in the first arm of a 50/50 split
        assertThat(SampleRatioCheck.of(new long[] {6_400, 3_600}, new double[] {1, 1}).mismatch()).isTrue();
    }

    @Test
    void chiSquareTailMatchesTables() {
        assertThat(Statistics.chiSquareSurvival(3.841459, 1)).isCloseTo(0.05, org.assertj.core.data.Offset.offset(1e-5));
        assertThat(Statistics.chiSquareSurvival(10.827566, 1)).isCloseTo(0.001, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(Statistics.chiSquareSurvival(7.814728, 3)).isCloseTo(0.05, org.assertj.core.data.Offset.offset(1e-5));
        assertThat(Statistics.chiSquareSurvival(124.342, 100)).isCloseTo(0.05, org.assertj.core.data.Offset.offset(1e-4));
    }

    @Test
    void regularizedBetaAtItsSymmetryBoundaryReturnsInsteadOfRecursingForever() {
        double v = Statistics.regularizedBeta(0.8311669675209794, 6.384517312608195, 0.5);
        assertThat(v).isBetween(0.0, 1.0);
    }

    /**
     * A/A experiments (no true difference), 20 looks each: the sequential test's false-positive rate
     * stays at its α however often it is read; the fixed-horizon test read at every look does not.
     */
    @Test
    void sequentialTestHoldsItsFalsePositiveRateUnderPeeking() {
        int experiments = 1_000;
        int looks = 20;
        int perLook = 10;
        Random r = new Random(11);
        int sequentialHits = 0;
        int peekingWelchHits = 0;
        int finalWelchHits = 0;
        for (int e = 0; e < experiments; e++) {
            MixtureSequentialTest seq = new MixtureSequentialTest(0.05);
            List<Double> a = new java.util.ArrayList<>();
            List<Double> b = new java.util.ArrayList<>();
            boolean seqRejected = false;
            boolean welchRejected = false;
            for (int look = 0; look < looks; look++) {
                for (int i = 0; i < perLook; i++) {
                    // skewed, like tokens/s: the test must not rely on normal data
                    double x = Math.exp(r.nextGaussian() * 0.5) * 100;
                    double y = Math.exp(r.nextGaussian() * 0.5) * 100;
                    a.add(x);
                    b.add(y);
                    seq.addControl(x);
                    seq.addTreatment(y);
                }
                seqRejected |= seq.result().pValue() < 0.05;
                double p = Statistics.welch(a, b)[3];
                welchRejected |= p < 0.05;
                if (look == looks - 1 && p < 0.05) {
                    finalWelchHits++;
                }
            }
            sequentialHits += seqRejected ? 1 : 0;
            peekingWelchHits += welchRejected ? 1 : 0;
        }
        System.out.printf(Locale.ROOT, "A/A false positives over %d experiments x %d looks: sequential %.1f%%, "
                + "Welch read at every look %.1f%%, Welch read once at the end %.1f%%%n", experiments, looks,
                100.0 * sequentialHits / experiments, 100.0 * peekingWelchHits / experiments,
                100.0 * finalWelchHits / experiments);
        assertThat(sequentialHits).isLessThanOrEqualTo(experiments * 5 / 100);
        assertThat(peekingWelchHits).as("peeking inflates the fixed-horizon test").isGreaterThan(experiments * 8 / 100);
    }

    @Test
    void sequentialTestDetectsARealDifference() {
        MixtureSequentialTest seq = new MixtureSequentialTest(0.05);
        Random r = new Random(3);
        for (int i = 0; i < 400; i++) {
            seq.addControl(100 + 20 * r.nextGaussian());
            seq.addTreatment(110 + 20 * r.nextGaussian());
        }
        MixtureSequentialTest.Result result = seq.result();
        assertThat(result.pValue()).isLessThan(0.05);
        assertThat(result.lower()).isPositive().isLessThan(10);
        assertThat(result.upper()).isGreaterThan(10);
    }
}
