package dev.dyspec.app.api;

/** The fields completions and chat completions share. */
public interface GenerationParameters {

    String model();

    Integer maxTokens();

    Double temperature();

    Double topP();

    Object stop();

    Long seed();

    Boolean stream();

    StreamOptions streamOptions();

    String user();

    Integer n();

    DyspecOptions dyspec();

    /** Chat's newer name for max_tokens; null for completions. */
    default Integer maxCompletionTokens() {
        return null;
    }

    java.util.Map<String, Object> logitBias();

    Double presencePenalty();

    Double frequencyPenalty();

    /** The log-probabilities the client asked for (validated by {@link RequestConformance} first). */
    dev.dyspec.core.decode.LogprobsRequest logprobsRequest();

    /** The token limit the client asked for under either name (conflicts are refused before this is read). */
    default Integer requestedMaxTokens() {
        return maxTokens() != null ? maxTokens() : maxCompletionTokens();
    }

    default boolean streaming() {
        return Boolean.TRUE.equals(stream());
    }

    default boolean includeUsage() {
        return streamOptions() != null && Boolean.TRUE.equals(streamOptions().includeUsage());
    }
}
