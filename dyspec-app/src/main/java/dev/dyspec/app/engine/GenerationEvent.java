package dev.dyspec.app.engine;

import dev.dyspec.api.GenerationStats;
import dev.dyspec.core.decode.StepResult;

/** What a running generation reports to the HTTP layer. */
public sealed interface GenerationEvent {

    /** One verification step's emitted tokens and text. */
    record Step(StepResult step) implements GenerationEvent {
    }

    /** The generation ended. */
    record Finished(String text, int promptTokens, int completionTokens, String finishReason, GenerationStats stats)
            implements GenerationEvent {
    }
}
