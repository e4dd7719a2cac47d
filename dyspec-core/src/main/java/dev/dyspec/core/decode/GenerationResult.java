package dev.dyspec.core.decode;

import dev.dyspec.api.GenerationStats;

/** A finished generation. */
public record GenerationResult(String text, int[] tokens, int promptTokens, String finishReason, GenerationStats stats) {
}
