package dev.dyspec.core.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AdamW (decoupled weight decay) with global-norm gradient clipping. Moment buffers are allocated up
 * front, outside any NDScope, and updated in place.
 */
public final class AdamW {

    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final Map<String, NDArray> m = new LinkedHashMap<>();
    private final Map<String, NDArray> v = new LinkedHashMap<>();
    private long step;

    public AdamW(Map<String, NDArray> params, NDManager manager, double beta1, double beta2, double eps, double weightDecay) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        params.forEach((name, p) -> {
            m.put(name, manager.zeros(p.getShape()));
            v.put(name, manager.zeros(p.getShape()));
        });
    }

    public Map<String, NDArray> firstMoments() {
        return m;
    }

    public Map<String, NDArray> secondMoments() {
        return v;
    }

    public long steps() {
        return step;
    }

    public void restore(long steps) {
        this.step = steps;
    }

    /**
     * One update with learning rate {@code lr}; gradients are clipped to {@code maxNorm} in global norm.
     *
     * @return the gradient norm before clipping
     */
    public double update(Map<String, NDArray> params, double lr, double maxNorm) {
        double sq = 0;
        for (NDArray p : params.values()) {
            sq += p.getGradient().square().sum().getFloat();
        }
        double norm = Math.sqrt(sq);
        double clip = norm > maxNorm ? maxNorm / (norm + 1e-6) : 1.0;
        step++;
        double c1 = 1 - Math.pow(beta1, step);
        double c2 = 1 - Math.pow(beta2, step);
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            NDArray p = e.getValue();
            NDArray g = p.getGradient().mul(clip);
            NDArray mi = m.get(e.getKey());
            NDArray vi = v.get(e.getKey());
            mi.muli(beta1).addi(g.mul(1 - beta1));
            vi.muli(beta2).addi(g.square().mul(1 - beta2));
            NDArray update = mi.div(c1).div(vi.div(c2).sqrt().add(eps));
            boolean decay = p.getShape().dimension() > 1; // no decay on norms
            if (decay) {
                update = update.add(p.mul(weightDecay));
            }
            p.subi(update.mul(lr));
            p.getGradient().muli(0);
        }
        return norm;
    }
}
