package dev.dyspec.app.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.dyspec.strategies.BuiltinStrategies;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BenchStatisticsTest {

    @Test
    void meanIntervalIsTheStudentTInterval() {
        // mean 5, sample sd 2.7386 (1..9), n = 9: half-width 2.306 * sd / 3
        List<Double> xs = List.of(1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0);
        double[] ci = BenchStatistics.meanInterval(xs);
        double half = 2.306 * Math.sqrt(7.5) / 3;
        assertThat(ci[0]).isCloseTo(5.0, within(1e-12));
        assertThat(ci[1]).isCloseTo(5.0 - half, within(1e-9));
        assertThat(ci[2]).isCloseTo(5.0 + half, within(1e-9));
    }

    @Test
    void medianIntervalBracketsTheMedian() {
        List<Double> xs = List.of(10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 100.0);
        double[] ci = BenchStatistics.medianInterval(xs);
        assertThat(ci[0]).isEqualTo(13.0);
        assertThat(ci[1]).isLessThanOrEqualTo(13.0).isGreaterThanOrEqualTo(10.0);
        assertThat(ci[2]).isGreaterThanOrEqualTo(13.0).isLessThan(100.0);
    }

    @Test
    void everyRepeatRunsEveryCellOnceInADifferentOrder() {
        List<BenchRunner.Arm> strategies = BuiltinStrategies.all().stream().limit(5).map(BenchRunner.Arm::of).toList();
        BenchRunner.Plan plan = new BenchRunner.Plan(strategies, List.of(4, 8), List.of(0.0, 1.0),
                List.of(new BenchPrompt("c", "x")), 8, 5, 3);
        List<BenchCell> cells = BenchRunner.cells(plan);
        assertThat(cells).hasSize(2 * (1 + 4 * 2));
        List<List<BenchCell>> schedule = BenchRunner.schedule(cells, 5, 3);
        Set<List<String>> orders = new HashSet<>();
        for (List<BenchCell> round : schedule) {
            assertThat(round).containsExactlyInAnyOrderElementsOf(cells);
            orders.add(round.stream().map(BenchCell::key).toList());
        }
        assertThat(orders).hasSizeGreaterThan(1);
    }

    @Test
    void speedupIsTheRatioToTargetOnlyInTheSameRepeat() {
        BenchCell base = new BenchCell("target-only", 0, 0.0);
        BenchCell tree = new BenchCell("dyspec", 8, 0.0);
        // repeat 0: base 100 tok/s, tree 150; repeat 1: machine 2x slower for both
        base.repeatTokens.addAll(List.of(100L, 100L));
        base.repeatNanos.addAll(List.of(1_000_000_000L, 2_000_000_000L));
        tree.repeatTokens.addAll(List.of(150L, 150L));
        tree.repeatNanos.addAll(List.of(1_000_000_000L, 2_000_000_000L));
        base.tau.addAll(List.of(1.0, 1.0));
        tree.tau.addAll(List.of(2.0, 3.0));
        List<CellSummary> s = BenchRunner.summarise(List.of(base, tree));
        assertThat(s.get(0).speedup()).isEqualTo(1.0);
        assertThat(s.get(1).speedup()).isCloseTo(1.5, within(1e-12));
        assertThat(s.get(1).speedupLow()).isCloseTo(1.5, within(1e-12)); // drift cancels within a repeat
        assertThat(s.get(1).tau()).isEqualTo(2.5);
    }

    @Test
    void calibrationBinsAverageEstimateAndOutcome() {
        List<double[]> bins = BenchRunner.calibrationBins(List.of(new double[] {0.5, 1}, new double[] {0.7, 0},
                new double[] {2.2, 3}));
        assertThat(bins).hasSize(2);
        assertThat(bins.get(0)[0]).isCloseTo(0.6, within(1e-12));
        assertThat(bins.get(0)[1]).isCloseTo(0.5, within(1e-12));
        assertThat(bins.get(0)[2]).isEqualTo(2);
        assertThat(bins.get(1)[1]).isEqualTo(3);
    }
}
