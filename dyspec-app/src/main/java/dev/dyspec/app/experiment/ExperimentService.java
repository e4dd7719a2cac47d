package dev.dyspec.app.experiment;

import dev.dyspec.app.config.DyspecProperties;
import dev.dyspec.app.engine.StrategyRegistry;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * A/B experiments from configuration, controllable at run time. A request without an explicit strategy
 * is assigned an arm of the first enabled experiment: by a salted, well-mixed hash of its user when it
 * has one (the same user always gets the same arm while the weights stay), at random otherwise. Each
 * assignment is logged as an exposure; finished, failed and cancelled requests are recorded per arm and
 * reported with a sample-ratio check and fixed-horizon and always-valid comparisons between arms.
 *
 * <p>Weights map to adjacent intervals of [0, 1) in arm order. Changing them moves only the users whose
 * hash lies between an old and a new boundary: with two arms, exactly the share the weights moved.
 */
@Service
public class ExperimentService {

    private static final Logger log = LoggerFactory.getLogger(ExperimentService.class);
    private static final Logger exposureLog = LoggerFactory.getLogger("dyspec.exposure");
    static final List<String> METRICS = List.of("tokensPerSecond", "tau", "timeToFirstTokenMs");
    static final double SEQUENTIAL_ALPHA = 0.05;

    private final Map<String, Experiment> experiments = new LinkedHashMap<>();

    public ExperimentService(DyspecProperties properties, StrategyRegistry strategies, MeterRegistry meters) {
        List<DyspecProperties.Experiment> configured = properties.experiments() == null ? List.of() : properties.experiments();
        for (DyspecProperties.Experiment e : configured) {
            if (e.arms() == null || e.arms().isEmpty()) {
                throw new IllegalStateException("experiment '" + e.id() + "' has no arms");
            }
            Set<String> names = new HashSet<>();
            for (DyspecProperties.Arm arm : e.arms()) {
                strategies.get(arm.strategy()); // fails at startup on an unknown strategy
                if (!names.add(arm.name())) {
                    throw new IllegalStateException("experiment '" + e.id() + "' has two arms named '" + arm.name() + "'");
                }
            }
            Experiment x = new Experiment(e);
            experiments.put(e.id(), x);
            Gauge.builder("dyspec.experiment.srm", x, s -> s.srm().srm() ? 1 : 0).tag("experiment", e.id())
                    .description("1 while the experiment's sample ratio does not match its weights (p < 0.001)")
                    .register(meters);
        }
    }

    /** The arm for a request of this user, if an experiment is running. */
    public Optional<ArmAssignment> assign(String user) {
        return running().map(e -> e.assign(user, null));
    }

    /**
     * A forced arm (QA): the caller has checked the admin key. Forced requests are exposed and served
     * but kept out of the experiment's statistics.
     */
    public ArmAssignment force(String armName) {
        Experiment e = running().orElseThrow(() -> new IllegalArgumentException("no experiment is running"));
        return e.assign(null, armName);
    }

    private Optional<Experiment> running() {
        return experiments.values().stream().filter(Experiment::enabled).findFirst();
    }

    public void completed(ArmAssignment a, ArmOutcome outcome) {
        stats(a).ifPresent(e -> e.complete(a.arm().name(), outcome));
    }

    public void failed(ArmAssignment a) {
        stats(a).ifPresent(e -> e.arms.get(a.arm().name()).fail());
    }

    public void cancelled(ArmAssignment a) {
        stats(a).ifPresent(e -> e.arms.get(a.arm().name()).cancel());
    }

    private Optional<Experiment> stats(ArmAssignment a) {
        return a == null || a.forced() ? Optional.empty() : Optional.ofNullable(experiments.get(a.experimentId()));
    }

    public List<String> ids() {
        return List.copyOf(experiments.keySet());
    }

    public Optional<ExperimentReport> report(String id) {
        return Optional.ofNullable(experiments.get(id)).map(Experiment::report);
    }

    /**
     * Enables or disables an experiment and/or sets arm weights, effective for the next request. New
     * weights start a new sample-ratio epoch; the change is kept in the report's history.
     */
    public ExperimentReport update(String id, Boolean enabled, Map<String, Double> weights) {
        Experiment e = experiments.get(id);
        if (e == null) {
            throw new IllegalArgumentException("no experiment '" + id + "'");
        }
        e.update(enabled, weights);
        log.info("experiment {} changed: enabled={} weights={}", id, enabled, weights);
        return e.report();
    }

    /** One experiment's configuration, run-time state and statistics. */
    private static final class Experiment {
        private final String id;
        private final List<DyspecProperties.Arm> arms0;
        private final Map<String, ArmStats> arms = new LinkedHashMap<>();
        private final Map<String, MixtureSequentialTest> sequential = new LinkedHashMap<>();
        private final List<ExperimentReport.Change> history = new ArrayList<>();
        private volatile boolean enabled;
        private volatile double[] weights;
        // exposures since the weights last changed: the sample-ratio check compares these with the weights
        private long[] epochExposures;
        private List<Set<Long>> epochUsers;
        private boolean warnedSrm;

        Experiment(DyspecProperties.Experiment config) {
            this.id = config.id();
            this.arms0 = config.arms();
            this.enabled = config.enabled();
            this.weights = config.arms().stream().mapToDouble(DyspecProperties.Arm::weight).toArray();
            for (DyspecProperties.Arm arm : arms0) {
                arms.put(arm.name(), new ArmStats());
            }
            for (int i = 1; i < arms0.size(); i++) {
                for (String metric : METRICS) {
                    sequential.put(key(arms0.get(i).name(), metric), new MixtureSequentialTest(SEQUENTIAL_ALPHA));
                }
            }
            newEpoch();
        }

        private static String key(String treatment, String metric) {
            return treatment + "/" + metric;
        }

        boolean enabled() {
            return enabled;
        }

        private synchronized void newEpoch() {
            epochExposures = new long[arms0.size()];
            epochUsers = new ArrayList<>();
            for (int i = 0; i < arms0.size(); i++) {
                epochUsers.add(new HashSet<>());
            }
            warnedSrm = false;
        }

        ArmAssignment assign(String user, String forcedArm) {
            boolean hasUser = user != null && !user.isEmpty();
            double u = hasUser ? ArmHash.unit(id, user) : ThreadLocalRandom.current().nextDouble();
            int index;
            if (forcedArm != null) {
                index = indexOf(forcedArm);
            } else {
                index = armIndex(u, weights);
            }
            DyspecProperties.Arm arm = arms0.get(index);
            boolean forced = forcedArm != null;
            if (!forced) {
                Long userHash = hasUser ? ArmHash.hash64("", user) : null;
                arms.get(arm.name()).expose(userHash);
                synchronized (this) {
                    epochExposures[index]++;
                    if (userHash != null && epochUsers.get(index).size() < ArmStats.MAX_TRACKED_USERS) {
                        epochUsers.get(index).add(userHash);
                    }
                }
            }
            // one structured line per assignment; the user id itself is not logged, its bucket is
            exposureLog.info("exposure experiment={} arm={} strategy={} unit={} userKnown={} forced={}", id, arm.name(),
                    arm.strategy(), hasUser ? String.format("%.6f", u) : "random", hasUser, forced);
            return new ArmAssignment(id, arm, forced);
        }

        private int indexOf(String armName) {
            for (int i = 0; i < arms0.size(); i++) {
                if (arms0.get(i).name().equals(armName)) {
                    return i;
                }
            }
            throw new IllegalArgumentException("experiment '" + id + "' has no arm '" + armName + "'; arms: "
                    + arms0.stream().map(DyspecProperties.Arm::name).toList());
        }

        void complete(String arm, ArmOutcome o) {
            arms.get(arm).complete(o);
            String control = arms0.get(0).name();
            for (String metric : METRICS) {
                double value = value(o, metric);
                if (arm.equals(control)) {
                    for (int i = 1; i < arms0.size(); i++) {
                        sequential.get(key(arms0.get(i).name(), metric)).addControl(value);
                    }
                } else {
                    sequential.get(key(arm, metric)).addTreatment(value);
                }
            }
        }

        private static double value(ArmOutcome o, String metric) {
            return switch (metric) {
                case "tau" -> o.tau();
                case "timeToFirstTokenMs" -> o.timeToFirstTokenMs();
                default -> o.tokensPerSecond();
            };
        }

        synchronized void update(Boolean enable, Map<String, Double> newWeights) {
            if (newWeights != null && !newWeights.isEmpty()) {
                double[] w = weights.clone();
                for (Map.Entry<String, Double> entry : newWeights.entrySet()) {
                    Double value = entry.getValue();
                    if (value == null || !(value > 0) || !Double.isFinite(value)) {
                        throw new IllegalArgumentException("weight of arm '" + entry.getKey() + "' must be a positive number");
                    }
                    w[indexOf(entry.getKey())] = value;
                }
                weights = w;
                newEpoch();
            }
            if (enable != null) {
                enabled = enable;
            }
            history.add(new ExperimentReport.Change(Instant.now(), enable,
                    newWeights == null ? null : Map.copyOf(newWeights)));
        }

        synchronized ExperimentReport.Srm srm() {
            long[] users = epochUsers.stream().mapToLong(Set::size).toArray();
            SampleRatioCheck byRequests = SampleRatioCheck.of(epochExposures, weights);
            SampleRatioCheck byUsers = SampleRatioCheck.of(users, weights);
            boolean mismatch = byRequests.mismatch() || byUsers.mismatch();
            if (mismatch && !warnedSrm) {
                log.warn("experiment {}: sample ratio mismatch (requests p={}, users p={}) — exposures {} / users {} "
                        + "against weights {}; its comparisons are not trustworthy", id, byRequests.pValue(),
                        byUsers.pValue(), Arrays.toString(epochExposures), Arrays.toString(users), Arrays.toString(weights));
                warnedSrm = true;
            }
            return new ExperimentReport.Srm(mismatch, SampleRatioCheck.ALPHA,
                    new ExperimentReport.Check(byRequests.chiSquare(), byRequests.pValue(), byRequests.mismatch()),
                    new ExperimentReport.Check(byUsers.chiSquare(), byUsers.pValue(), byUsers.mismatch()));
        }

        ExperimentReport report() {
            double[] w = weights;
            List<ExperimentReport.Arm> armReports = new ArrayList<>();
            Map<String, ArmStats.Snapshot> snaps = new LinkedHashMap<>();
            for (int i = 0; i < arms0.size(); i++) {
                DyspecProperties.Arm arm = arms0.get(i);
                ArmStats.Snapshot s = arms.get(arm.name()).snapshot();
                snaps.put(arm.name(), s);
                armReports.add(new ExperimentReport.Arm(arm.name(), arm.strategy(), w[i], s.exposures(), s.distinctUsers(),
                        s.completed(), s.failed(), s.cancelled(), s.generatedTokens(), finite(Statistics.mean(s.tau())),
                        summary(s.tokensPerSecond()), summary(s.timeToFirstTokenMs()), summary(s.interTokenMs())));
            }
            List<ExperimentReport.Comparison> comparisons = new ArrayList<>();
            ArmStats.Snapshot control = snaps.get(arms0.get(0).name());
            for (int i = 1; i < arms0.size(); i++) {
                String treatmentName = arms0.get(i).name();
                ArmStats.Snapshot treatment = snaps.get(treatmentName);
                for (String metric : METRICS) {
                    double[] welch = Statistics.welch(series(control, metric), series(treatment, metric));
                    MixtureSequentialTest.Result seq = sequential.get(key(treatmentName, metric)).result();
                    comparisons.add(new ExperimentReport.Comparison(metric, arms0.get(0).name(), treatmentName, welch[0],
                            new ExperimentReport.FixedHorizon("Welch two-sample t-test",
                                    Arrays.asList(finite(welch[1]), finite(welch[2])), finite(welch[3]),
                                    !Double.isNaN(welch[3]) && welch[3] < 0.05),
                            new ExperimentReport.Sequential("mixture SPRT (normal mixture), always valid", seq.started(),
                                    Arrays.asList(finite(seq.lower()), finite(seq.upper())), seq.pValue(),
                                    seq.pValue() < SEQUENTIAL_ALPHA)));
                }
            }
            List<ExperimentReport.Change> changes;
            synchronized (this) {
                changes = List.copyOf(history);
            }
            return new ExperimentReport(id, enabled, id, armReports, srm(), comparisons, READING_GUIDE, changes);
        }

        private static List<Double> series(ArmStats.Snapshot s, String metric) {
            return switch (metric) {
                case "tau" -> s.tau();
                case "timeToFirstTokenMs" -> s.timeToFirstTokenMs();
                default -> s.tokensPerSecond();
            };
        }
    }

    /** The arm whose interval of [0, 1) holds u, the intervals adjacent in arm order and as wide as the weights' shares. */
    static int armIndex(double u, double[] weights) {
        double total = Arrays.stream(weights).sum();
        double acc = 0;
        for (int i = 0; i < weights.length - 1; i++) {
            acc += weights[i] / total;
            if (u < acc) {
                return i;
            }
        }
        return weights.length - 1;
    }

    static final String READING_GUIDE = "Check srm first: when true, the assignment or its logging is broken and no "
            + "comparison can be trusted. While the experiment runs, read only the sequential results (valid at every "
            + "look). Read the fixed-horizon Welch test once, at a sample size chosen before the experiment started.";

    private static ExperimentReport.Summary summary(List<Double> xs) {
        return new ExperimentReport.Summary(finite(Statistics.mean(xs)), finite(Statistics.quantile(xs, 0.5)),
                finite(Statistics.quantile(xs, 0.95)), finite(Statistics.quantile(xs, 0.99)));
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
