package dev.dyspec.core.engine;

import dev.dyspec.core.decode.DraftForwarder;
import dev.dyspec.core.model.CausalLm;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the trees growing in one engine step meet for their draft forwards. Every growing generation
 * runs its strategy on its own thread; an expansion waits here until each other generation is either
 * waiting too or done growing, then all waiting expansions run as one batched draft forward. So DySpec's
 * one-node-per-forward growth costs one draft forward per node across all requests, not per request.
 */
final class DraftRendezvous implements DraftForwarder {

    private static final class Expansion {
        final CausalLm.Rows rows;
        float[][] logits;
        Throwable error;
        boolean done;

        Expansion(CausalLm.Rows rows) {
            this.rows = rows;
        }
    }

    private final CausalLm draft;
    private final List<Expansion> waiting = new ArrayList<>();
    private int growing;
    private int forwards;
    private int batchedRows;

    /** @param growing generations that will each call {@link #leave()} when their tree is grown */
    DraftRendezvous(CausalLm draft, int growing) {
        this.draft = draft;
        this.growing = growing;
    }

    @Override
    public float[][] forward(CausalLm.Rows rows) {
        Expansion e = new Expansion(rows);
        synchronized (this) {
            waiting.add(e);
            runIfAllArrived();
            while (!e.done) {
                try {
                    wait();
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for a batched draft forward", ex);
                }
            }
        }
        if (e.error != null) {
            throw new IllegalStateException("the batched draft forward failed: " + e.error.getMessage(), e.error);
        }
        return e.logits;
    }

    /** A generation finished growing (or failed): the others no longer wait for it. */
    synchronized void leave() {
        growing--;
        runIfAllArrived();
    }

    /** Draft forwards run and rows they held, for the engine's statistics. */
    synchronized int forwards() {
        return forwards;
    }

    synchronized int batchedRows() {
        return batchedRows;
    }

    /** Holding the lock: every generation still growing waits here, so nothing else needs the draft. */
    private void runIfAllArrived() {
        if (waiting.isEmpty() || waiting.size() < growing) {
            return;
        }
        List<Expansion> batch = new ArrayList<>(waiting);
        waiting.clear();
        try {
            List<float[][]> logits = draft.forward(batch.stream().map(x -> x.rows).toList(), true);
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).logits = logits.get(i);
            }
            forwards++;
            batchedRows += batch.stream().mapToInt(x -> x.rows.tokens().length).sum();
        } catch (Throwable t) {
            batch.forEach(x -> x.error = t);
        }
        batch.forEach(x -> x.done = true);
        notifyAll();
    }
}
