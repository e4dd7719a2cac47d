package dev.dyspec.app.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.dyspec.core.decode.LogprobsRequest;
import java.util.List;
import java.util.Map;

/**
 * Body of {@code POST /v1/chat/completions}. Every OpenAI field is either honoured or refused with a
 * 400 ({@link RequestConformance}); fields that change nothing here (store, metadata, service_tier, …)
 * and fields unknown to this version are ignored.
 */
public record ChatRequest(
        String model,
        List<ChatMessage> messages,
        @JsonProperty("max_tokens") Integer maxTokens,
        @JsonProperty("max_completion_tokens") Integer maxCompletionTokens,
        Double temperature,
        @JsonProperty("top_p") Double topP,
        Object stop,
        Long seed,
        Boolean stream,
        @JsonProperty("stream_options") StreamOptions streamOptions,
        String user,
        Integer n,
        Boolean logprobs,
        @JsonProperty("top_logprobs") Integer topLogprobs,
        List<Object> tools,
        @JsonProperty("tool_choice") Object toolChoice,
        List<Object> functions,
        @JsonProperty("response_format") Map<String, Object> responseFormat,
        @JsonProperty("logit_bias") Map<String, Object> logitBias,
        @JsonProperty("presence_penalty") Double presencePenalty,
        @JsonProperty("frequency_penalty") Double frequencyPenalty,
        DyspecOptions dyspec) implements GenerationParameters {

    @Override
    public LogprobsRequest logprobsRequest() {
        return Boolean.TRUE.equals(logprobs)
                ? new LogprobsRequest(true, false, topLogprobs == null ? 0 : topLogprobs) : LogprobsRequest.NONE;
    }

    /**
     * @param content a string, or a list of {"type": "text", "text": ...} parts
     * @param toolCalls an assistant message's earlier tool calls, passed to the template as they are
     */
    public record ChatMessage(String role, Object content, String name,
                              @JsonProperty("tool_calls") List<Object> toolCalls,
                              @JsonProperty("tool_call_id") String toolCallId) {
    }
}
