package dev.dyspec.core.decode;

/**
 * What one speculative step emitted.
 *
 * @param tokens tokens emitted this step (accepted drafted tokens, then the bonus token), after stop handling
 * @param text the text those tokens added (may lag a token when a character is incomplete)
 * @param treeSize drafted nodes in this step's tree
 * @param accepted drafted tokens accepted this step
 * @param estimatedAccepted the strategy's own estimate of the accepted length: the sum of its node values
 * @param finishReason null while running; "stop" or "length" once finished
 * @param logprobs one per emitted token when the request asked for them, else empty
 */
public record StepResult(int[] tokens, String text, int treeSize, int accepted, double estimatedAccepted,
                         String finishReason, java.util.List<TokenLogprob> logprobs) {

    public boolean finished() {
        return finishReason != null;
    }
}
