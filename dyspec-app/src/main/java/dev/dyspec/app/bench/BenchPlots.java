package dev.dyspec.app.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import dev.dyspec.strategies.AcceptanceModel;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** PNG plots of a bench run, drawn with JFreeChart. */
public final class BenchPlots {

    private BenchPlots() {
    }

    public static void write(Path dir, List<CellSummary> cells, AcceptanceModel learned) throws IOException {
        System.setProperty("java.awt.headless", "true");
        for (double t : new TreeSet<>(cells.stream().map(CellSummary::temperature).toList())) {
            String suffix = String.format(Locale.ROOT, "T%.2g", t).replace('.', '_');
            save(dir.resolve("speedup-vs-budget-" + suffix + ".png"),
                    byBudget(cells, t, "speedup over target-only", true), "Speedup vs budget (T=" + t + ")", "budget", "speedup ×");
            save(dir.resolve("tau-vs-budget-" + suffix + ".png"),
                    byBudget(cells, t, "τ", false), "Mean acceptance length τ vs budget (T=" + t + ")", "budget", "τ (tokens per target forward)");
            save(dir.resolve("acceptance-by-depth-" + suffix + ".png"), byDepth(cells, t),
                    "Acceptance rate by tree depth (T=" + t + ", largest budget)", "depth", "accepted / drafted");
        }
        save(dir.resolve("calibration.png"), calibration(cells), "Calibration: tree estimate vs realised accepted length",
                "estimated accepted tokens (sum of node values)", "realised accepted tokens");
        save(dir.resolve("acceptance-curve.png"), acceptanceCurves(learned),
                "Per-child acceptance: paper's estimate a(r) = r vs learned", "draw probability r (log10)",
                "probability the child is accepted");
    }

    /** The learned curve per temperature band that has data, and the paper's identity. */
    private static XYSeriesCollection acceptanceCurves(AcceptanceModel learned) {
        XYSeriesCollection data = new XYSeriesCollection();
        double[] centres = AcceptanceModel.binCentres();
        XYSeries paper = new XYSeries("paper: a(r) = r");
        for (double c : centres) {
            paper.add(Math.log10(c), c);
        }
        data.addSeries(paper);
        for (AcceptanceModel.Band band : AcceptanceModel.Band.values()) {
            if (learned.observations(band) == 0) {
                continue;
            }
            double[] curve = learned.curve(band);
            XYSeries s = new XYSeries("learned, " + band.name().toLowerCase(Locale.ROOT) + " (" + learned.observations(band) + " obs)");
            for (int b = 0; b < centres.length; b++) {
                s.add(Math.log10(centres[b]), curve[b]);
            }
            data.addSeries(s);
        }
        return data;
    }

    private static XYSeriesCollection byBudget(List<CellSummary> cells, double t, String what, boolean speedup) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (String strategy : new TreeSet<>(cells.stream().filter(c -> c.budget() > 0).map(CellSummary::strategy).toList())) {
            XYSeries s = new XYSeries(strategy);
            cells.stream().filter(c -> c.strategy().equals(strategy) && c.temperature() == t)
                    .forEach(c -> s.add(c.budget(), speedup ? c.speedup() : c.tau()));
            data.addSeries(s);
        }
        return data;
    }

    private static XYSeriesCollection byDepth(List<CellSummary> cells, double t) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (String strategy : new TreeSet<>(cells.stream().filter(c -> c.budget() > 0).map(CellSummary::strategy).toList())) {
            cells.stream().filter(c -> c.strategy().equals(strategy) && c.temperature() == t)
                    .max(java.util.Comparator.comparingInt(CellSummary::budget)).ifPresent(c -> {
                        XYSeries s = new XYSeries(strategy + " (budget " + c.budget() + ")");
                        double[] a = c.acceptanceByDepth();
                        for (int d = 0; d < a.length; d++) {
                            s.add(d + 1, a[d]);
                        }
                        data.addSeries(s);
                    });
        }
        return data;
    }

    private static XYSeriesCollection calibration(List<CellSummary> cells) {
        XYSeriesCollection data = new XYSeriesCollection();
        double max = 1;
        for (String strategy : new TreeSet<>(cells.stream().map(CellSummary::strategy)
                .filter(s -> s.startsWith("dyspec")).toList())) {
            XYSeries s = new XYSeries(strategy + (strategy.contains("calibrated") ? " (learned estimate)"
                    : " (paper's estimate)"), true, true);
            java.util.Map<Integer, double[]> pooled = new java.util.TreeMap<>();
            cells.stream().filter(c -> c.strategy().equals(strategy)).forEach(c -> {
                for (double[] bin : c.calibration()) {
                    double[] p = pooled.computeIfAbsent((int) Math.floor(bin[0]), k -> new double[3]);
                    p[0] += bin[0] * bin[2];
                    p[1] += bin[1] * bin[2];
                    p[2] += bin[2];
                }
            });
            for (double[] p : pooled.values()) {
                s.add(p[0] / p[2], p[1] / p[2]);
                max = Math.max(max, Math.max(p[0] / p[2], p[1] / p[2]));
            }
            if (!s.isEmpty()) {
                data.addSeries(s);
            }
        }
        XYSeries identity = new XYSeries("perfect calibration");
        identity.add(0, 0);
        identity.add(max, max);
        data.addSeries(identity);
        return data;
    }

    static void save(Path file, XYSeriesCollection data, String title, String x, String y) throws IOException {
        JFreeChart chart = ChartFactory.createXYLineChart(title, x, y, data, PlotOrientation.VERTICAL, true, false, false);
        chart.setBackgroundPaint(Color.WHITE);
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        for (int i = 0; i < data.getSeriesCount(); i++) {
            renderer.setSeriesStroke(i, new BasicStroke(2f));
        }
        plot.setRenderer(renderer);
        ChartUtils.saveChartAsPNG(file.toFile(), chart, 900, 560);
    }
}
