package dev.dyspec.app.experiment;

import java.util.ArrayList;
import java.util.List;

/** Outcomes of one arm's finished requests. Synchronized: recorded from the engine thread, read by reports. */
final class ArmStats {

    private long requests;
    private long generatedTokens;
    private final List<Double> tau = new ArrayList<>();
    private final List<Double> tokensPerSecond = new ArrayList<>();
    private final List<Double> timeToFirstTokenMs = new ArrayList<>();

    synchronized void record(long tokens, double meanAcceptanceLength, double tps, double ttftMs) {
        requests++;
        generatedTokens += tokens;
        tau.add(meanAcceptanceLength);
        tokensPerSecond.add(tps);
        timeToFirstTokenMs.add(ttftMs);
    }

    synchronized Snapshot snapshot() {
        return new Snapshot(requests, generatedTokens, List.copyOf(tau), List.copyOf(tokensPerSecond),
                List.copyOf(timeToFirstTokenMs));
    }

    record Snapshot(long requests, long generatedTokens, List<Double> tau, List<Double> tokensPerSecond,
                    List<Double> timeToFirstTokenMs) {
    }
}
