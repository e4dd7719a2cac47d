package dev.dyspec.core.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;

/**
 * How well a draft fits its target on held-out text: perplexities, greedy top-1 agreement and the
 * expected acceptance Σ min(p, q) at temperature 1 (the chance that speculative sampling accepts a
 * draft token).
 */
public final class PairEvaluation {

    /** Held-out figures of a target/draft pair. */
    public record Result(double targetPerplexity, double draftPerplexity, double greedyAgreement,
                         double expectedAcceptance, long positions) {
    }

    private PairEvaluation() {
    }

    public static Result evaluate(TrainableLlama target, TrainableLlama draft, TokenCorpus corpus, int batches, int length) {
        try {
            return NoGrad.call(() -> evaluateWithoutGrad(target, draft, corpus, batches, length));
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Result evaluateWithoutGrad(TrainableLlama target, TrainableLlama draft, TokenCorpus corpus, int batches,
                                              int length) {
        double targetNll = 0;
        double draftNll = 0;
        double agree = 0;
        double accept = 0;
        long positions = 0;
        NDManager manager = target.manager();
        for (int i = 0; i < batches; i++) {
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                int batch = 4;
                int[] window = corpus.validationBatch(batch, length, i);
                long[] ids = new long[window.length];
                for (int k = 0; k < ids.length; k++) {
                    ids[k] = window[k];
                }
                NDArray data = TorchOwned.longs(manager, ids, new Shape(batch, length + 1));
                NDArray inputs = data.get(":, 0:{}", length);
                NDArray targets = data.get(":, 1:");
                NDArray pLog = target.forward(inputs).logSoftmax(-1);
                NDArray qLog = draft.forward(inputs).logSoftmax(-1);
                targetNll += pLog.gather(targets.expandDims(-1), -1).sum().getFloat();
                draftNll += qLog.gather(targets.expandDims(-1), -1).sum().getFloat();
                agree += pLog.argMax(-1).eq(qLog.argMax(-1)).toType(ai.djl.ndarray.types.DataType.FLOAT32, false)
                        .sum().getFloat();
                accept += pLog.exp().minimum(qLog.exp()).sum().getFloat();
                positions += (long) batch * length;
            }
        }
        return new Result(Math.exp(-targetNll / positions), Math.exp(-draftNll / positions), agree / positions,
                accept / positions, positions);
    }

    public static double agreement(TrainableLlama target, TrainableLlama draft, TokenCorpus corpus, int batches, int length) {
        return evaluate(target, draft, corpus, batches, length).greedyAgreement();
    }
}
