package dev.dyspec.app.experiment;

import dev.dyspec.app.config.DyspecProperties;
import dev.dyspec.app.engine.StrategyRegistry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.stereotype.Service;

/**
 * A/B experiments from configuration. A request without an explicit strategy is assigned an arm of the
 * first enabled experiment: by a stable hash of its user when it has one, at random otherwise.
 * Finished requests are recorded per arm and reported with the difference between arms.
 */
@Service
public class ExperimentService {

    private final List<DyspecProperties.Experiment> experiments;
    private final Map<String, Map<String, ArmStats>> stats = new LinkedHashMap<>();

    public ExperimentService(DyspecProperties properties, StrategyRegistry strategies) {
        this.experiments = properties.experiments() == null ? List.of() : properties.experiments();
        for (DyspecProperties.Experiment e : experiments) {
            if (e.arms() == null || e.arms().isEmpty()) {
                throw new IllegalStateException("experiment '" + e.id() + "' has no arms");
            }
            Map<String, ArmStats> arms = new LinkedHashMap<>();
            for (DyspecProperties.Arm arm : e.arms()) {
                strategies.get(arm.strategy()); // fails at startup on an unknown strategy
                if (arms.put(arm.name(), new ArmStats()) != null) {
                    throw new IllegalStateException("experiment '" + e.id() + "' has two arms named '" + arm.name() + "'");
                }
            }
            stats.put(e.id(), arms);
        }
    }

    /** The arm for a request of this user, if an experiment is running. */
    public Optional<ArmAssignment> assign(String user) {
        return experiments.stream().filter(DyspecProperties.Experiment::enabled).findFirst().map(e -> {
            double u = user == null || user.isEmpty() ? ThreadLocalRandom.current().nextDouble() : stableUnit(e.id() + "/" + user);
            double total = e.arms().stream().mapToDouble(DyspecProperties.Arm::weight).sum();
            double acc = 0;
            for (DyspecProperties.Arm arm : e.arms()) {
                acc += arm.weight() / total;
                if (u < acc) {
                    return new ArmAssignment(e.id(), arm);
                }
            }
            return new ArmAssignment(e.id(), e.arms().get(e.arms().size() - 1));
        });
    }

    /** FNV-1a 64-bit of the key, mapped to [0, 1). */
    static double stableUnit(String key) {
        long h = 0xcbf29ce484222325L;
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return (h >>> 11) * 0x1.0p-53;
    }

    public void record(String experimentId, String arm, long tokens, double tau, double tokensPerSecond, double ttftMs) {
        Map<String, ArmStats> arms = stats.get(experimentId);
        if (arms != null && arms.containsKey(arm)) {
            arms.get(arm).record(tokens, tau, tokensPerSecond, ttftMs);
        }
    }

    public List<String> ids() {
        return List.copyOf(stats.keySet());
    }

    public Optional<Map<String, Object>> report(String id) {
        Map<String, ArmStats> arms = stats.get(id);
        if (arms == null) {
            return Optional.empty();
        }
        DyspecProperties.Experiment config = experiments.stream().filter(e -> e.id().equals(id)).findFirst().orElseThrow();
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("id", id);
        report.put("enabled", config.enabled());
        List<Map<String, Object>> armReports = new ArrayList<>();
        Map<String, ArmStats.Snapshot> snaps = new LinkedHashMap<>();
        for (DyspecProperties.Arm arm : config.arms()) {
            ArmStats.Snapshot s = arms.get(arm.name()).snapshot();
            snaps.put(arm.name(), s);
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("name", arm.name());
            a.put("strategy", arm.strategy());
            a.put("weight", arm.weight());
            a.put("requests", s.requests());
            a.put("generatedTokens", s.generatedTokens());
            a.put("meanTau", finite(Statistics.mean(s.tau())));
            a.put("tokensPerSecond", summary(s.tokensPerSecond()));
            a.put("timeToFirstTokenMs", summary(s.timeToFirstTokenMs()));
            armReports.add(a);
        }
        report.put("arms", armReports);
        List<Map<String, Object>> comparisons = new ArrayList<>();
        List<String> names = new ArrayList<>(snaps.keySet());
        for (int i = 1; i < names.size(); i++) {
            ArmStats.Snapshot control = snaps.get(names.get(0));
            ArmStats.Snapshot treatment = snaps.get(names.get(i));
            for (String metric : List.of("tokensPerSecond", "tau")) {
                List<Double> a = metric.equals("tau") ? control.tau() : control.tokensPerSecond();
                List<Double> b = metric.equals("tau") ? treatment.tau() : treatment.tokensPerSecond();
                double[] w = Statistics.welch(a, b);
                Map<String, Object> c = new LinkedHashMap<>();
                c.put("metric", metric);
                c.put("control", names.get(0));
                c.put("treatment", names.get(i));
                c.put("difference", finite(w[0]));
                c.put("ci95", java.util.Arrays.asList(finite(w[1]), finite(w[2])));
                c.put("pValue", finite(w[3]));
                c.put("test", "Welch two-sample t-test");
                c.put("significant", !Double.isNaN(w[3]) && w[3] < 0.05);
                comparisons.add(c);
            }
        }
        report.put("comparisons", comparisons);
        return Optional.of(report);
    }

    private static Map<String, Object> summary(List<Double> xs) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mean", finite(Statistics.mean(xs)));
        m.put("p50", finite(Statistics.quantile(xs, 0.5)));
        m.put("p95", finite(Statistics.quantile(xs, 0.95)));
        return m;
    }

    private static Object finite(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
