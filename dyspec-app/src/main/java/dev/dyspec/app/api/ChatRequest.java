package dev.dyspec.app.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** Body of {@code POST /v1/chat/completions}; unknown OpenAI fields are ignored. */
public record ChatRequest(
        String model,
        List<ChatMessage> messages,
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

    /** @param content a string, or a list of {"type": "text", "text": ...} parts */
    public record ChatMessage(String role, Object content) {
    }
}
