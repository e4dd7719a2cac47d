package dev.dyspec.app.engine;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.springframework.stereotype.Component;

/** The tree sizes each strategy chose, for the calibration report. */
@Component
public class TreeSizeTracker {

    private final Map<String, LongAdder[]> byStrategy = new ConcurrentHashMap<>();

    public void record(String strategy, int size) {
        LongAdder[] a = byStrategy.computeIfAbsent(strategy, k -> new LongAdder[] {new LongAdder(), new LongAdder()});
        a[0].increment();
        a[1].add(size);
    }

    /** strategy -> {steps, mean tree size}. */
    public Map<String, double[]> summary() {
        Map<String, double[]> out = new TreeMap<>();
        byStrategy.forEach((k, a) -> {
            long steps = a[0].sum();
            out.put(k, new double[] {steps, steps == 0 ? 0 : (double) a[1].sum() / steps});
        });
        return out;
    }
}
