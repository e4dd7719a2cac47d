package dev.dyspec.app.config;

import dev.dyspec.api.TreeCost;

/**
 * The step cost model the adaptive strategies read: a rough CPU-like default (a 16-node tree costs
 * about 2.5x one token) until the forward cost curve of the loaded models is measured.
 */
public final class SwappableTreeCost implements TreeCost {

    private volatile TreeCost delegate = n -> 1.0 + 0.1 * n;
    private volatile boolean measured;

    public void measured(TreeCost cost) {
        this.delegate = cost;
        this.measured = true;
    }

    public boolean isMeasured() {
        return measured;
    }

    public TreeCost current() {
        return delegate;
    }

    @Override
    public double cost(int nodes) {
        return delegate.cost(nodes);
    }

    @Override
    public double cost(int nodes, int draftForwards) {
        return delegate.cost(nodes, draftForwards);
    }
}
