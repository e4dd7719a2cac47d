package dev.dyspec.strategies;

import dev.dyspec.api.DrawMode;
import dev.dyspec.api.SamplingParams;
import java.util.random.RandomGenerator;

/** How strategies draw children: deterministic top picks when greedy, sampling without replacement otherwise. */
final class Draws {

    private Draws() {
    }

    static DrawMode mode(SamplingParams params) {
        return params.isGreedy() ? DrawMode.CHOSEN : DrawMode.SAMPLED_WITHOUT_REPLACEMENT;
    }

    /** Draws the next child token from the residual and removes it from the residual. */
    static int next(Residual residual, SamplingParams params, RandomGenerator random) {
        int token = params.isGreedy() ? residual.best() : residual.sample(random);
        residual.markDrawn(token);
        return token;
    }

    static void checkBudget(int budget, int maxBudget) {
        if (budget <= 0 || budget > maxBudget) {
            throw new IllegalArgumentException("budget must be in [1, " + maxBudget + "], got " + budget);
        }
    }
}
