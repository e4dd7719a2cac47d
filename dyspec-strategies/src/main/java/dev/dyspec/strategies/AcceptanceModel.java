package dev.dyspec.strategies;

import dev.dyspec.api.AcceptanceEstimator;
import dev.dyspec.api.AcceptanceObserver;
import dev.dyspec.api.ContextEvidence;
import dev.dyspec.api.SamplingParams;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Learns, per temperature band, the probability that a drafted child is accepted as a function of
 * the probability r it was drawn with, from the verifier's observations. Bins in log10(r) hold
 * accepted/total counts; each bin starts from a prior (r^γ at the bin centre, with a few pseudo
 * observations) so the model is usable before it has data; a pool-adjacent-violators pass keeps the
 * curve monotone; estimates interpolate between bin centres in log r. Tokens proposed from the context
 * (n-gram continuations) are learned apart, by match length and by the share of earlier occurrences
 * that continued with them, each cell starting from the share itself. Thread-safe: observations come
 * from the engine thread while strategies and reports read.
 */
public final class AcceptanceModel implements AcceptanceEstimator, AcceptanceObserver {

    /** Temperature bands learned separately: greedy, low, high. */
    public enum Band {
        GREEDY, LOW, HIGH;

        public static Band of(SamplingParams params) {
            if (params.isGreedy()) {
                return GREEDY;
            }
            return params.temperature() <= 0.75 ? LOW : HIGH;
        }
    }

    static final int BINS = 16;
    private static final int BANDS = Band.values().length;
    static final double MIN_LOG = -4.0; // r below 1e-4 shares the lowest bin

    private final double gamma;
    private final double priorStrength;
    private final double[] prior = new double[BINS]; // (bins) centre^γ: a refit after every step's observations needs no pow
    private final long[][] accepted = new long[Band.values().length][BINS];
    private final long[][] total = new long[Band.values().length][BINS];
    private final double[][] fitted = new double[Band.values().length][];
    /** Context proposals: (band, match length bucket × share bucket). */
    private final long[][] contextAccepted = new long[Band.values().length][CONTEXT_CELLS];
    private final long[][] contextTotal = new long[Band.values().length][CONTEXT_CELLS];

    /** Match lengths learned apart (longer ones share the last); shares in quarters. */
    public static final int MAX_MATCH = 8;
    static final int SHARE_BUCKETS = 4;
    static final int CONTEXT_CELLS = MAX_MATCH * SHARE_BUCKETS;
    static final double CONTEXT_PRIOR_STRENGTH = 2.0;

    /**
     * @param gamma prior a(r) = r^γ (1 = the paper's identity)
     * @param priorStrength pseudo observations per bin behind the prior
     */
    public AcceptanceModel(double gamma, double priorStrength) {
        if (!(gamma > 0) || !(priorStrength > 0)) {
            throw new IllegalArgumentException("gamma and prior strength must be positive");
        }
        this.gamma = gamma;
        this.priorStrength = priorStrength;
        for (int b = 0; b < BINS; b++) {
            prior[b] = Math.pow(centre(b), gamma);
        }
    }

    public AcceptanceModel() {
        this(1.0, 4.0);
    }

    static int bin(double r) {
        double lr = Math.log10(Math.max(r, 1e-12));
        int b = (int) Math.floor((lr - MIN_LOG) / -MIN_LOG * BINS);
        return Math.max(0, Math.min(BINS - 1, b));
    }

    /** The centre of bin b, as a probability. */
    static double centre(int b) {
        return Math.pow(10, MIN_LOG + (b + 0.5) * -MIN_LOG / BINS);
    }

    @Override
    public synchronized void observe(double drawProbability, int depth, boolean wasAccepted, SamplingParams params) {
        if (!(drawProbability > 0) || Double.isNaN(drawProbability)) {
            return;
        }
        int band = Band.of(params).ordinal();
        int b = bin(drawProbability);
        total[band][b]++;
        if (wasAccepted) {
            accepted[band][b]++;
        }
        fitted[band] = null;
    }

    @Override
    public synchronized void observeContext(ContextEvidence evidence, boolean wasAccepted, SamplingParams params) {
        int band = Band.of(params).ordinal();
        int cell = contextCell(evidence);
        contextTotal[band][cell]++;
        if (wasAccepted) {
            contextAccepted[band][cell]++;
        }
    }

    @Override
    public double acceptance(double r, int depth, SamplingParams params) {
        return interpolate(curve(Band.of(params)), r);
    }

    @Override
    public synchronized double contextAcceptance(ContextEvidence evidence, SamplingParams params) {
        int band = Band.of(params).ordinal();
        return contextEstimate(contextAccepted[band], contextTotal[band], evidence);
    }

    /** The fitted curves of every band as they stand, without locks or copies per query. */
    @Override
    public synchronized AcceptanceEstimator snapshot() {
        double[][] curves = new double[BANDS][];
        long[][] ctxAccepted = new long[BANDS][];
        long[][] ctxTotal = new long[BANDS][];
        for (int b = 0; b < BANDS; b++) {
            if (fitted[b] == null) {
                fitted[b] = fit(accepted[b], total[b]);
            }
            curves[b] = fitted[b]; // shared, not copied: a fitted curve is never changed, a refit makes a new one
            ctxAccepted[b] = contextAccepted[b].clone();
            ctxTotal[b] = contextTotal[b].clone();
        }
        return new AcceptanceEstimator() {
            @Override
            public double acceptance(double r, int depth, SamplingParams params) {
                return interpolate(curves[Band.of(params).ordinal()], r);
            }

            @Override
            public double contextAcceptance(ContextEvidence evidence, SamplingParams params) {
                int band = Band.of(params).ordinal();
                return contextEstimate(ctxAccepted[band], ctxTotal[band], evidence);
            }

            @Override
            public double constantBelow(int depth, SamplingParams params) {
                return FLAT_BELOW;
            }
        };
    }

    static int contextCell(ContextEvidence evidence) {
        int match = Math.min(MAX_MATCH, evidence.matchLength()) - 1;
        int share = Math.min(SHARE_BUCKETS - 1, (int) (evidence.share() * SHARE_BUCKETS));
        return match * SHARE_BUCKETS + share;
    }

    private static double contextEstimate(long[] acc, long[] tot, ContextEvidence evidence) {
        int cell = contextCell(evidence);
        return clamp((acc[cell] + CONTEXT_PRIOR_STRENGTH * evidence.share()) / (tot[cell] + CONTEXT_PRIOR_STRENGTH));
    }

    /**
     * What was learned of context proposals in a band, by match length (1 … {@link #MAX_MATCH}, the last
     * counting longer ones too), over all shares: {accepted, total} per length.
     */
    public synchronized long[][] contextCounts(Band band) {
        long[][] out = new long[MAX_MATCH][2];
        for (int cell = 0; cell < CONTEXT_CELLS; cell++) {
            out[cell / SHARE_BUCKETS][0] += contextAccepted[band.ordinal()][cell];
            out[cell / SHARE_BUCKETS][1] += contextTotal[band.ordinal()][cell];
        }
        return out;
    }

    /** The r of the lowest bin's centre: {@link #interpolate} returns that bin's value for every r up to it. */
    static final double FLAT_BELOW = Math.pow(10, MIN_LOG + 0.5 * -MIN_LOG / BINS);

    @Override
    public double constantBelow(int depth, SamplingParams params) {
        return FLAT_BELOW;
    }

    private static double interpolate(double[] curve, double r) {
        double x = (Math.log10(Math.max(r, 1e-12)) - MIN_LOG) / -MIN_LOG * BINS - 0.5;
        if (x <= 0) {
            return clamp(curve[0]);
        }
        if (x >= BINS - 1) {
            return clamp(curve[BINS - 1]);
        }
        int lo = (int) Math.floor(x);
        double f = x - lo;
        return clamp(curve[lo] * (1 - f) + curve[lo + 1] * f);
    }

    private static double clamp(double a) {
        return Math.max(1e-6, Math.min(1 - 1e-6, a));
    }

    /** The fitted acceptance at each bin centre for a band (monotone non-decreasing in r). */
    public synchronized double[] curve(Band band) {
        int i = band.ordinal();
        if (fitted[i] == null) {
            fitted[i] = fit(accepted[i], total[i]);
        }
        return fitted[i].clone();
    }

    public synchronized long observations(Band band) {
        return Arrays.stream(total[band.ordinal()]).sum();
    }

    private double[] fit(long[] acc, long[] tot) {
        double[] value = new double[BINS];
        double[] weight = new double[BINS];
        for (int b = 0; b < BINS; b++) {
            weight[b] = tot[b] + priorStrength;
            value[b] = (acc[b] + priorStrength * prior[b]) / weight[b];
        }
        return poolAdjacentViolators(value, weight);
    }

    /** Weighted isotonic (non-decreasing) regression. */
    static double[] poolAdjacentViolators(double[] y, double[] w) {
        int n = y.length;
        double[] level = new double[n];
        double[] weight = new double[n];
        int[] size = new int[n];
        int blocks = 0;
        for (int i = 0; i < n; i++) {
            level[blocks] = y[i];
            weight[blocks] = w[i];
            size[blocks] = 1;
            blocks++;
            while (blocks > 1 && level[blocks - 2] > level[blocks - 1]) {
                double wsum = weight[blocks - 2] + weight[blocks - 1];
                level[blocks - 2] = (level[blocks - 2] * weight[blocks - 2] + level[blocks - 1] * weight[blocks - 1]) / wsum;
                weight[blocks - 2] = wsum;
                size[blocks - 2] += size[blocks - 1];
                blocks--;
            }
        }
        double[] out = new double[n];
        int k = 0;
        for (int b = 0; b < blocks; b++) {
            for (int j = 0; j < size[b]; j++) {
                out[k++] = level[b];
            }
        }
        return out;
    }

    /** Bin centres, for reports. */
    public static double[] binCentres() {
        double[] c = new double[BINS];
        for (int b = 0; b < BINS; b++) {
            c[b] = centre(b);
        }
        return c;
    }

    /** A text form that {@link #parse} reads back: the prior and every band's counts. */
    public synchronized String export() {
        StringBuilder b = new StringBuilder("dyspec-acceptance-model 1\n");
        b.append(String.format(Locale.ROOT, "gamma %s%nprior-strength %s%n", gamma, priorStrength));
        for (Band band : Band.values()) {
            b.append("band ").append(band.name().toLowerCase(Locale.ROOT))
                    .append(" accepted ").append(join(accepted[band.ordinal()]))
                    .append(" total ").append(join(total[band.ordinal()])).append('\n');
        }
        for (Band band : Band.values()) {
            b.append("context ").append(band.name().toLowerCase(Locale.ROOT))
                    .append(" accepted ").append(join(contextAccepted[band.ordinal()]))
                    .append(" total ").append(join(contextTotal[band.ordinal()])).append('\n');
        }
        return b.toString();
    }

    public static AcceptanceModel parse(String text) {
        List<String> lines = new ArrayList<>(text.lines().filter(l -> !l.isBlank()).toList());
        if (lines.isEmpty() || !lines.get(0).equals("dyspec-acceptance-model 1")) {
            throw new IllegalArgumentException("not a dyspec acceptance model (expected header 'dyspec-acceptance-model 1')");
        }
        try {
            double gamma = Double.parseDouble(field(lines.get(1), "gamma"));
            double strength = Double.parseDouble(field(lines.get(2), "prior-strength"));
            AcceptanceModel m = new AcceptanceModel(gamma, strength);
            for (String line : lines.subList(3, lines.size())) {
                String[] parts = line.split(" ");
                boolean context = parts[0].equals("context"); // models written before context proposals have none
                if (parts.length != 6 || !(context || parts[0].equals("band")) || !parts[2].equals("accepted")
                        || !parts[4].equals("total")) {
                    throw new IllegalArgumentException("bad line '" + line + "'");
                }
                int band = Band.valueOf(parts[1].toUpperCase(Locale.ROOT)).ordinal();
                int cells = context ? CONTEXT_CELLS : BINS;
                long[] acc = split(parts[3], cells);
                long[] tot = split(parts[5], cells);
                for (int b = 0; b < cells; b++) {
                    if (acc[b] < 0 || acc[b] > tot[b]) {
                        throw new IllegalArgumentException("cell " + b + " of " + parts[0] + " " + parts[1]
                                + " has accepted > total");
                    }
                }
                (context ? m.contextAccepted : m.accepted)[band] = acc;
                (context ? m.contextTotal : m.total)[band] = tot;
            }
            return m;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("cannot read acceptance model: " + e.getMessage(), e);
        }
    }

    private static String field(String line, String name) {
        if (!line.startsWith(name + " ")) {
            throw new IllegalArgumentException("expected '" + name + "', got '" + line + "'");
        }
        return line.substring(name.length() + 1).trim();
    }

    private static long[] split(String csv, int cells) {
        long[] v = Arrays.stream(csv.split(",")).mapToLong(Long::parseLong).toArray();
        if (v.length != cells) {
            throw new IllegalArgumentException("expected " + cells + " cells, got " + v.length);
        }
        return v;
    }

    private static String join(long[] v) {
        return String.join(",", Arrays.stream(v).mapToObj(Long::toString).toList());
    }
}
