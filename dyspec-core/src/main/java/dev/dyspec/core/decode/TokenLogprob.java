package dev.dyspec.core.decode;

/**
 * The target's log-probability of one token and of the most likely alternatives at its position,
 * from the model's own distribution (temperature 1, before logit_bias, penalties and top-p), as vLLM
 * reports by default.
 *
 * @param topTokens the most likely tokens, most likely first (empty when none were asked for)
 */
public record TokenLogprob(int token, float logprob, int[] topTokens, float[] topLogprobs) {

    /** Log-softmax of {@code logits} at {@code token}, and its {@code top} best entries. */
    public static TokenLogprob of(float[] logits, int token, int top) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double sum = 0;
        for (float l : logits) {
            sum += Math.exp(l - max);
        }
        double logZ = max + Math.log(sum);
        int k = Math.min(top, logits.length);
        int[] best = new int[k];
        int filled = 0;
        for (int t = 0; t < logits.length && k > 0; t++) {
            // insertion into a short sorted list; ties keep the smaller id first
            if (filled < k || logits[t] > logits[best[filled - 1]]) {
                int i = filled < k ? filled++ : filled - 1;
                while (i > 0 && logits[best[i - 1]] < logits[t]) {
                    best[i] = best[i - 1];
                    i--;
                }
                best[i] = t;
            }
        }
        float[] bestLogprobs = new float[k];
        for (int i = 0; i < k; i++) {
            bestLogprobs[i] = (float) (logits[best[i]] - logZ);
        }
        return new TokenLogprob(token, (float) (logits[token] - logZ), best, bestLogprobs);
    }
}
