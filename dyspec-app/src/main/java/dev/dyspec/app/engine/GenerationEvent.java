package dev.dyspec.app.engine;

import dev.dyspec.api.GenerationStats;
import dev.dyspec.core.decode.StepResult;
import dev.dyspec.core.decode.TokenLogprob;
import java.util.List;

/** What a running generation reports to the HTTP layer. */
public sealed interface GenerationEvent {

    /**
     * The prompt is in the cache and the first step follows.
     *
     * @param promptLogprobs one per prompt token after the first, when the request asked for them
     */
    record Started(List<TokenLogprob> promptLogprobs) implements GenerationEvent {
    }

    /** One verification step's emitted tokens and text. */
    record Step(StepResult step) implements GenerationEvent {
    }

    /**
     * The generation ended.
     *
     * @param logprobs one per generated token when the request asked for them, else empty
     * @param promptLogprobs as in {@link Started}
     * @param cachedPromptTokens leading prompt tokens found in the engine's prefix cache, not prefilled
     */
    record Finished(String text, int promptTokens, int cachedPromptTokens, int completionTokens, String finishReason,
                    GenerationStats stats,
                    List<TokenLogprob> logprobs, List<TokenLogprob> promptLogprobs) implements GenerationEvent {
    }
}
