package dev.dyspec.core.decode;

import dev.dyspec.api.SamplingParams;
import dev.dyspec.api.StrategyOptions;
import dev.dyspec.api.TreeStrategy;
import java.util.List;

/**
 * One generation to run.
 *
 * @param promptTokens the prompt, start token included; at least one token
 * @param maxTokens most tokens to generate
 * @param stopStrings generation ends before the first occurrence of any of these in the text
 * @param adjustment logit_bias and penalties applied to both models' logits
 * @param logprobs which log-probabilities to report
 */
public record GenerationRequest(int[] promptTokens, int maxTokens, SamplingParams params, TreeStrategy strategy,
                                StrategyOptions options, List<String> stopStrings, LogitAdjustment adjustment,
                                LogprobsRequest logprobs) {

    /** A request with unadjusted logits and no log-probabilities. */
    public GenerationRequest(int[] promptTokens, int maxTokens, SamplingParams params, TreeStrategy strategy,
                             StrategyOptions options, List<String> stopStrings) {
        this(promptTokens, maxTokens, params, strategy, options, stopStrings, LogitAdjustment.NONE, LogprobsRequest.NONE);
    }

    public GenerationRequest {
        if (promptTokens == null || promptTokens.length == 0) {
            throw new IllegalArgumentException("the prompt must hold at least the start token");
        }
        if (maxTokens <= 0) {
            throw new IllegalArgumentException("max_tokens must be positive, got " + maxTokens);
        }
        promptTokens = promptTokens.clone();
        adjustment = adjustment == null ? LogitAdjustment.NONE : adjustment;
        logprobs = logprobs == null ? LogprobsRequest.NONE : logprobs;
        stopStrings = stopStrings == null ? List.of() : List.copyOf(stopStrings);
        for (String s : stopStrings) {
            if (s == null || s.isEmpty()) {
                throw new IllegalArgumentException("stop strings must not be empty");
            }
        }
    }
}
