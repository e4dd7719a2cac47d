package dev.dyspec.app.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.dyspec.core.decode.LogprobsRequest;
import java.util.Map;

/**
 * Body of {@code POST /v1/completions}. Every OpenAI field is either honoured or refused with a 400
 * ({@link RequestConformance}); fields unknown to this version are ignored.
 */
public record CompletionRequest(
        String model,
        Object prompt,
        @JsonProperty("max_tokens") Integer maxTokens,
        Double temperature,
        @JsonProperty("top_p") Double topP,
        Object stop,
        Long seed,
        Boolean stream,
        @JsonProperty("stream_options") StreamOptions streamOptions,
        String user,
        Integer n,
        Integer logprobs,
        Boolean echo,
        String suffix,
        @JsonProperty("best_of") Integer bestOf,
        @JsonProperty("logit_bias") Map<String, Object> logitBias,
        @JsonProperty("presence_penalty") Double presencePenalty,
        @JsonProperty("frequency_penalty") Double frequencyPenalty,
        DyspecOptions dyspec) implements GenerationParameters {

    /** An echoed prompt is scored too when log-probabilities are asked for. */
    @Override
    public LogprobsRequest logprobsRequest() {
        return logprobs == null ? LogprobsRequest.NONE
                : new LogprobsRequest(true, Boolean.TRUE.equals(echo), logprobs);
    }

    public boolean echoes() {
        return Boolean.TRUE.equals(echo);
    }
}
