package dev.dyspec.app.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Body of {@code POST /v1/completions}; unknown OpenAI fields are ignored. */
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
        DyspecOptions dyspec) implements GenerationParameters {
}
