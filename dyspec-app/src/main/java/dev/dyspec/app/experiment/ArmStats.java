package dev.dyspec.app.experiment;

import java.util.ArrayList;
import java.util.List;

/**
 * Outcomes of one arm: exposures (assignments, with distinct users), finished requests and their
 * measurements, and the guardrail counts (failed, cancelled). Synchronized: recorded from the engine
 * and request threads, read by reports.
 */
final class ArmStats {

    /** Distinct users are counted exactly up to this many per arm; beyond it the count is a lower bound. */
    static final int MAX_TRACKED_USERS = 1_000_000;

    private long exposures;
    private final java.util.Set<Long> users = new java.util.HashSet<>();
    private long completed;
    private long failed;
    private long cancelled;
    private long generatedTokens;
    private final List<Double> tau = new ArrayList<>();
    private final List<Double> tokensPerSecond = new ArrayList<>();
    private final List<Double> timeToFirstTokenMs = new ArrayList<>();
    private final List<Double> interTokenMs = new ArrayList<>();

    synchronized void expose(Long userHash) {
        exposures++;
        if (userHash != null && users.size() < MAX_TRACKED_USERS) {
            users.add(userHash);
        }
    }

    synchronized void complete(ArmOutcome o) {
        completed++;
        generatedTokens += o.tokens();
        tau.add(o.tau());
        tokensPerSecond.add(o.tokensPerSecond());
        timeToFirstTokenMs.add(o.timeToFirstTokenMs());
        if (Double.isFinite(o.interTokenMs())) {
            interTokenMs.add(o.interTokenMs());
        }
    }

    synchronized void fail() {
        failed++;
    }

    synchronized void cancel() {
        cancelled++;
    }

    synchronized Snapshot snapshot() {
        return new Snapshot(exposures, users.size(), completed, failed, cancelled, generatedTokens, List.copyOf(tau),
                List.copyOf(tokensPerSecond), List.copyOf(timeToFirstTokenMs), List.copyOf(interTokenMs));
    }

    record Snapshot(long exposures, long distinctUsers, long completed, long failed, long cancelled,
                    long generatedTokens, List<Double> tau, List<Double> tokensPerSecond,
                    List<Double> timeToFirstTokenMs, List<Double> interTokenMs) {
    }
}
